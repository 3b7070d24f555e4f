package io.baton.server.service;

import java.util.List;

/** A request for a version of a service that is not kept; the message lists the versions that are. */
public final class VersionNotFoundException extends RuntimeException {

    VersionNotFoundException(String service, String what, List<Integer> kept) {
        super("service " + service + " has no " + what + "; kept versions: "
                + (kept.isEmpty() ? "none" : String.join(", ", kept.stream().map(String::valueOf).toList()))
                + "; list them with: baton versions " + service);
    }
}
