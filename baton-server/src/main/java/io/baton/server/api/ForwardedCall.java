package io.baton.server.api;

import io.baton.server.cluster.ClusterSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The headers with which a passive node vouches for a call it forwards to the active node: which node
 * forwarded it, the caller's address, whether the caller logged in with the forwarding node's own token,
 * and when. The signature is the HMAC of these values, the method and the path with its query under
 * {@link ClusterSecret}, so the active node takes them only from a node of its cluster.
 *
 * <p>NOTE: the body is not signed, and a captured call can be replayed for {@link #MAX_AGE}; over
 * plain HTTP an eavesdropper can read the caller's password or token anyway, so use TLS off loopback.
 *
 * @param forwardedBy node id of the passive node that forwarded the call
 * @param callerAddress the caller's address as the passive node saw it
 * @param nodeToken whether the caller logged in with the forwarding node's own token
 * @param at when the passive node forwarded the call
 */
record ForwardedCall(String forwardedBy, String callerAddress, boolean nodeToken, Instant at) {

    static final String BY = "Baton-Forwarded-By";
    static final String FOR = "Baton-Forwarded-For";
    static final String CALLER = "Baton-Forwarded-Caller";
    static final String AT = "Baton-Forwarded-At";
    static final String SIGNATURE = "Baton-Forwarded-Signature";

    /** The value of {@link #CALLER} for a caller that used the forwarding node's own token. */
    static final String NODE_TOKEN_CALLER = "node-token";

    /** How far the forwarding time may be from the active node's clock, either way. */
    static final Duration MAX_AGE = Duration.ofMinutes(2);

    /** Adds the headers of this call, signed for {@code method} and {@code pathAndQuery}. */
    void sign(ClusterSecret secret, String method, String pathAndQuery, BiConsumer<String, String> header) {
        header.accept(BY, forwardedBy);
        header.accept(FOR, callerAddress);
        if (nodeToken) {
            header.accept(CALLER, NODE_TOKEN_CALLER);
        }
        header.accept(AT, Long.toString(at.toEpochMilli()));
        header.accept(SIGNATURE, secret.sign(signedText(method, pathAndQuery)));
    }

    /**
     * Reads and checks the headers of a forwarded call; returns null when the call was not forwarded.
     *
     * @throws IllegalArgumentException with the reason when the headers are incomplete, too old or wrongly signed
     */
    static ForwardedCall verify(ClusterSecret secret, String method, String pathAndQuery, Function<String, String> header, Instant now) {
        String by = header.apply(BY);
        if (by == null) {
            return null;
        }
        String address = header.apply(FOR);
        String at = header.apply(AT);
        if (address == null || at == null || header.apply(SIGNATURE) == null) {
            throw new IllegalArgumentException("the call forwarded by node " + by + " lacks the header " + FOR + ", " + AT + " or "
                    + SIGNATURE);
        }
        Instant forwardedAt;
        try {
            forwardedAt = Instant.ofEpochMilli(Long.parseLong(at));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the header " + AT + " of the call forwarded by node " + by + " is not a number: '" + at + "'");
        }
        ForwardedCall call = new ForwardedCall(by, address, NODE_TOKEN_CALLER.equals(header.apply(CALLER)), forwardedAt);
        if (!secret.verify(call.signedText(method, pathAndQuery), header.apply(SIGNATURE))) {
            throw new IllegalArgumentException("the signature of the call forwarded by node " + by + " does not match; every node must"
                    + " read the same state/" + ClusterSecret.FILE_NAME + ", so restart the nodes that started before it was replaced");
        }
        if (Duration.between(forwardedAt, now).abs().compareTo(MAX_AGE) > 0) {
            throw new IllegalArgumentException("the call forwarded by node " + by + " at " + forwardedAt + " is more than "
                    + MAX_AGE.toSeconds() + " s from this node's clock (" + now + "); synchronize the clocks of the nodes");
        }
        return call;
    }

    private String signedText(String method, String pathAndQuery) {
        return String.join("\n", forwardedBy, callerAddress, Boolean.toString(nodeToken), Long.toString(at.toEpochMilli()), method,
                pathAndQuery);
    }

    /** Returns the caller's address as the active node records it: the original address and the node that forwarded the call. */
    String auditAddress() {
        return callerAddress + " via " + forwardedBy;
    }
}
