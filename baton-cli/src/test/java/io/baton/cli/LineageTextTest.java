package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class LineageTextTest {

    @Test
    void localInputShowsTimeDeviceAndInode() throws Exception {
        String text = LineageText.of(history(2049, 131_077));

        assertThat(text).contains("input: 120 bytes, modified 2026-12-05T04:00:00.250Z, device 2049 inode 131077, sha256 ab12");
    }

    @Test
    void remoteInputShowsNoDeviceOrInode() throws Exception {
        String text = LineageText.of(history(0, 0));

        assertThat(text).contains("input: 120 bytes, modified 2026-12-05T04:00:00.250Z, sha256 ab12").doesNotContain("inode");
    }

    private static JsonNode history(long device, long inode) throws Exception {
        return Api.JSON.readTree("""
                {"item": {"id": 7, "service": "rates", "relPath": "a.csv", "state": "DISPOSED", "size": 120,
                          "mtimeNanos": 1796443200250000000, "device": %d, "inode": %d},
                 "sha256": "ab12", "attemptsRecorded": true, "events": [], "earlierItems": [], "laterItems": []}
                """.formatted(device, inode));
    }
}
