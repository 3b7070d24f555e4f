package io.baton.server.service;

import io.baton.core.config.RemoteSpec;

/**
 * A file on a remote server as a publish action records it: {@code protocol://user@host:port} followed
 * by the absolute remote path. No secret is part of it, so it may be logged and shown by the API.
 */
record RemoteLocation(String server, String path) {

    static RemoteLocation of(RemoteSpec spec, String path) {
        return new RemoteLocation(spec.server(), path);
    }

    /** Parses a recorded location; the server part ends at the first '/' after "://". */
    static RemoteLocation parse(String text) {
        int scheme = text.indexOf("://");
        int slash = scheme < 0 ? -1 : text.indexOf('/', scheme + 3);
        if (slash < 0) {
            throw new IllegalArgumentException("not a remote location: " + text);
        }
        return new RemoteLocation(text.substring(0, slash), text.substring(slash));
    }

    String folder() {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Tells whether the location lies directly in the remote folder of {@code spec}. */
    boolean inFolderOf(RemoteSpec spec) {
        return server.equals(spec.server()) && trimmed(folder()).equals(trimmed(spec.folder()));
    }

    private static String trimmed(String folder) {
        return folder.length() > 1 && folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
    }

    @Override
    public String toString() {
        return server + path;
    }
}
