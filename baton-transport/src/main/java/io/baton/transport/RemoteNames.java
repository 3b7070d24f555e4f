package io.baton.transport;

/**
 * The one check of remote file names, used for every name a server returns and every name derived
 * from one. A remote name is a single path segment: a name that could reach outside the folder it
 * was listed in, or that breaks log lines, is rejected and the file is left where it is.
 */
public final class RemoteNames {

    private RemoteNames() {
    }

    /**
     * Returns why {@code raw} is not a safe name of a single file, or null when it is. Rejected: empty,
     * {@code .}, {@code ..}, any {@code /} or {@code \} (which also covers absolute paths and {@code ..}
     * segments), a NUL, a newline, a carriage return or another control character, and U+FFFD. A decoder
     * puts U+FFFD where the server sent bytes that are invalid in the connection's encoding, so such a
     * name no longer spells the file's real name.
     */
    public static String problem(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "the name is empty";
        }
        if (raw.equals(".") || raw.equals("..")) {
            return "the name is '" + raw + "', a folder reference";
        }
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch == '/' || ch == '\\') {
                return "the name contains '" + ch + "', so it is a path and could point outside the folder";
            }
            if (Character.isISOControl(ch)) {
                return "the name contains the control character U+" + String.format("%04X", (int) ch);
            }
            if (ch == '\uFFFD') {
                return "the name cannot be decoded with the connection's character encoding (invalid bytes show as U+FFFD); "
                        + "for FTP, set controlEncoding to the server's encoding, such as ISO-8859-1";
            }
        }
        return null;
    }

    /** Returns {@code raw} quoted, with backslashes, quotes and control characters escaped, safe to show in one log line. */
    public static String escape(String raw) {
        if (raw == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(ch)) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
