package io.baton.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RemoteNamesTest {

    @Test
    void hostileNamesRejected() {
        for (String name : new String[] {"../../tmp/pwned.csv", "..\\..\\evil.csv", "/etc/cron.d/x", "sub/../../x.csv", ".", "..",
                "a\nb.csv", "a\rb.csv", "nul\0.csv", ""}) {
            assertThat(RemoteNames.problem(name)).as(RemoteNames.escape(name)).isNotNull();
        }
    }

    @Test
    void ordinaryNamesAccepted() {
        for (String name : new String[] {"ok.csv", "with space.csv", "Überweisung_März.csv", "订单_2024.csv", "..hidden", ".profile",
                "a..b"}) {
            assertThat(RemoteNames.problem(name)).as(name).isNull();
        }
    }

    @Test
    void escapeShowsControlCharacters() {
        assertThat(RemoteNames.escape("a\nb\\c\u0001\"")).isEqualTo("\"a\\nb\\\\c\\u0001\\\"\"");
    }
}
