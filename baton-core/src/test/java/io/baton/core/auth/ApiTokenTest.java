package io.baton.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ApiTokenTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void storesOnlyHashOfSecret() {
        ApiToken.Issued issued = ApiToken.issue("nightly", Role.VIEWER, null, NOW);

        assertThat(issued.secret()).as("secret").startsWith(ApiToken.PREFIX).hasSizeGreaterThan(40);
        assertThat(issued.token().sha256()).as("stored hash").isEqualTo(ApiToken.hashOf(issued.secret()));
        assertThat(issued.token().toString()).as("token record").doesNotContain(issued.secret());
        assertThat(issued.toString()).as("issued record").doesNotContain(issued.secret());
    }

    @Test
    void secretsDiffer() {
        assertThat(ApiToken.newSecret()).isNotEqualTo(ApiToken.newSecret());
    }

    @Test
    void expiresAtItsInstant() {
        ApiToken token = ApiToken.issue("short", Role.OPERATOR, Duration.ofHours(1), NOW).token();

        assertThat(token.expiresAt()).as("expiry").isEqualTo("2026-03-01T11:00:00Z");
        assertThat(token.isExpiredAt(NOW.plus(Duration.ofMinutes(59)))).as("before expiry").isFalse();
        assertThat(token.isExpiredAt(NOW.plus(Duration.ofHours(1)))).as("at expiry").isTrue();
    }

    @Test
    void noLifetimeNeverExpires() {
        ApiToken token = ApiToken.issue("forever", Role.OPERATOR, null, NOW).token();

        assertThat(token.expiresAt()).isNull();
        assertThat(token.isExpiredAt(NOW.plus(Duration.ofDays(36_500)))).isFalse();
    }

    @Test
    void revokedTokenNotFound() {
        ApiToken.Issued kept = ApiToken.issue("kept", Role.VIEWER, null, NOW);
        ApiToken.Issued revoked = ApiToken.issue("revoked", Role.VIEWER, null, NOW);
        Accounts accounts = Accounts.EMPTY.withToken(kept.token()).withToken(revoked.token()).withoutToken("revoked");

        assertThat(accounts.tokenWithHash(ApiToken.hashOf(kept.secret()))).as("kept token").contains(kept.token());
        assertThat(accounts.tokenWithHash(ApiToken.hashOf(revoked.secret()))).as("revoked token").isEmpty();
    }
}
