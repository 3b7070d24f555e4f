package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.server.cluster.ClusterSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The headers of a forwarded call: accepted only unchanged, signed with the cluster secret, and recent. */
class ForwardedCallTest {

    private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
    private static final String PATH = "/api/services/orders/trigger?reason=x";

    @TempDir
    Path state;

    private ClusterSecret secret;
    private final Map<String, String> headers = new HashMap<>();

    @BeforeEach
    void sign() throws Exception {
        secret = ClusterSecret.readOrCreate(state, "node-b");
        new ForwardedCall("node-b", "10.0.0.7", true, NOW).sign(secret, "POST", PATH, headers::put);
    }

    @Test
    void signedCallVerifies() {
        ForwardedCall call = ForwardedCall.verify(secret, "POST", PATH, headers::get, NOW.plusSeconds(1));

        assertThat(call.forwardedBy()).isEqualTo("node-b");
        assertThat(call.nodeToken()).as("node token").isTrue();
        assertThat(call.auditAddress()).isEqualTo("10.0.0.7 via node-b");
    }

    @Test
    void directCallIsNotForwarded() {
        assertThat(ForwardedCall.verify(secret, "POST", PATH, name -> null, NOW)).isNull();
    }

    @Test
    void otherPathRejected() {
        assertThatThrownBy(() -> ForwardedCall.verify(secret, "POST", "/api/services/orders/stop", headers::get, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signature").hasMessageContaining("node-b");
    }

    @Test
    void changedCallerRejected() {
        headers.put(ForwardedCall.FOR, "10.9.9.9");

        assertThatThrownBy(() -> ForwardedCall.verify(secret, "POST", PATH, headers::get, NOW)).hasMessageContaining("signature");
    }

    @Test
    void otherClusterSecretRejected(@TempDir Path otherState) throws Exception {
        ClusterSecret other = ClusterSecret.readOrCreate(otherState, "node-x");

        assertThatThrownBy(() -> ForwardedCall.verify(other, "POST", PATH, headers::get, NOW)).hasMessageContaining("signature");
    }

    @Test
    void oldCallRejected() {
        Instant later = NOW.plus(ForwardedCall.MAX_AGE).plusSeconds(1);

        assertThatThrownBy(() -> ForwardedCall.verify(secret, "POST", PATH, headers::get, later))
                .hasMessageContaining("synchronize the clocks");
    }

    @Test
    void missingSignatureRejected() {
        headers.remove(ForwardedCall.SIGNATURE);

        assertThatThrownBy(() -> ForwardedCall.verify(secret, "POST", PATH, headers::get, NOW)).hasMessageContaining(ForwardedCall.SIGNATURE);
    }

    @Test
    void withinClockSkewAccepted() {
        Instant earlier = NOW.minus(ForwardedCall.MAX_AGE.minus(Duration.ofSeconds(1)));

        assertThat(ForwardedCall.verify(secret, "POST", PATH, headers::get, earlier)).isNotNull();
    }
}
