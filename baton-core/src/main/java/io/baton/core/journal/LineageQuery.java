package io.baton.core.journal;

import java.time.Instant;
import java.util.StringJoiner;

/**
 * A search for work items by their input: the service, the input's name (exact: its relative path or its
 * file name), a glob on the relative path ({@code *} also matches {@code /}), its SHA-256 in hex, its state,
 * and a window {@code since <= t < until} that the item's claim or its finish falls in. Null fields match
 * every item. {@code limit} is the maximum number of items returned, oldest first.
 */
public record LineageQuery(String service, String name, String glob, String sha256, Instant since, Instant until,
        WorkItemState state, int limit) {

    public LineageQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("invalid limit " + limit + ": expected 1 or more");
        }
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("invalid SHA-256 '" + sha256 + "': expected 64 hexadecimal digits, as printed by sha256sum");
        }
    }

    /** Returns the query as the operator would write it, for messages and logs. */
    public String describe() {
        StringJoiner text = new StringJoiner(" ");
        add(text, "--service", service);
        add(text, "--name", name);
        add(text, "--glob", glob);
        add(text, "--sha256", sha256);
        add(text, "--since", since);
        add(text, "--until", until);
        add(text, "--state", state);
        text.add("--limit " + limit);
        return text.toString();
    }

    private static void add(StringJoiner text, String option, Object value) {
        if (value != null) {
            text.add(option + " " + value);
        }
    }
}
