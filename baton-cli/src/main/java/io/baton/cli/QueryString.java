package io.baton.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds the query of an API call from the options given; an option left out is not sent. */
final class QueryString {

    private final List<String> params = new ArrayList<>();

    QueryString add(String name, Object value) {
        if (value != null) {
            params.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
        }
        return this;
    }

    /** Returns "?a=1&b=2", or "" when no option was given. */
    @Override
    public String toString() {
        return params.isEmpty() ? "" : "?" + String.join("&", params);
    }
}
