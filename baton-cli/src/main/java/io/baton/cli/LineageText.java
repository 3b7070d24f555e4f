package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Formats an item history from the node's JSON for a terminal: a heading, the item's identity, then its events in time order. */
final class LineageText {

    private LineageText() {
    }

    static String of(JsonNode h) {
        JsonNode item = h.path("item");
        StringBuilder out = new StringBuilder();
        out.append("Work item ").append(item.path("id").asText()).append(" of service ").append(item.path("service").asText())
                .append(": ").append(item.path("relPath").asText()).append(" (").append(item.path("state").asText()).append(")\n");
        out.append("  input: ").append(item.path("size").asText()).append(" bytes, modified ").append(modified(item.path("mtimeNanos")));
        // A file on a remote server has no device and inode on this host, so both are recorded as 0.
        if (item.path("device").asLong() != 0 || item.path("inode").asLong() != 0) {
            out.append(", device ").append(item.path("device").asText()).append(" inode ").append(item.path("inode").asText());
        }
        out.append(", sha256 ").append(h.path("sha256").isNull() ? "not recorded" : h.path("sha256").asText()).append('\n');
        if (!h.path("attemptsRecorded").asBoolean()) {
            out.append("  NOTE: claimed before attempts were recorded; only the latest attempt is shown\n");
        }
        for (JsonNode e : h.path("events")) {
            out.append(String.format("  %-30s %-16s", text(e.path("at")), e.path("kind").asText()));
            if (!e.path("runId").isNull()) {
                out.append(" run ").append(e.path("runId").asText());
            }
            if (!e.path("nodeId").isNull()) {
                out.append(" node ").append(e.path("nodeId").asText());
            }
            if (!e.path("epoch").isNull()) {
                out.append(" epoch ").append(e.path("epoch").asText());
            }
            if (!e.path("outcome").isNull()) {
                out.append(" ").append(e.path("outcome").asText());
            }
            if (!e.path("detail").isNull()) {
                out.append(": ").append(e.path("detail").asText());
            }
            out.append('\n');
        }
        appendIds(out, "  earlier items of this name: ", h.path("earlierItems"));
        appendIds(out, "  later items of this name: ", h.path("laterItems"));
        return out.toString().stripTrailing();
    }

    /** Formats a modification time given in nanoseconds since the epoch as an ISO-8601 instant in UTC. */
    private static String modified(JsonNode nanos) {
        if (!nanos.canConvertToLong()) {
            return "unknown";
        }
        long value = nanos.asLong();
        return java.time.Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L)).toString();
    }

    private static String text(JsonNode value) {
        return value.isNull() || value.isMissingNode() ? "-" : value.asText();
    }

    private static void appendIds(StringBuilder out, String label, JsonNode ids) {
        if (ids.isEmpty()) {
            return;
        }
        out.append(label);
        for (int i = 0; i < ids.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(ids.get(i).asText());
        }
        out.append('\n');
    }
}
