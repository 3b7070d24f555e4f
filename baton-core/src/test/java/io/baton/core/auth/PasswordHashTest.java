package io.baton.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void matchesOnlyItsPassword() {
        PasswordHash hash = PasswordHash.create("correct horse".toCharArray());

        assertThat(hash.matches("correct horse".toCharArray())).as("same password").isTrue();
        assertThat(hash.matches("correct horsE".toCharArray())).as("one letter changed").isFalse();
        assertThat(hash.matches(new char[0])).as("empty password").isFalse();
    }

    @Test
    void saltDiffersPerHash() {
        PasswordHash first = PasswordHash.create("same password".toCharArray());
        PasswordHash second = PasswordHash.create("same password".toCharArray());

        assertThat(first.salt()).as("salt").isNotEqualTo(second.salt());
        assertThat(first.hash()).as("hash").isNotEqualTo(second.hash());
        assertThat(first.hash()).as("hash does not contain the password").doesNotContain("same password");
    }

    @Test
    void storedIterationsDecide() {
        PasswordHash hash = PasswordHash.create("some password".toCharArray());
        PasswordHash fewer = new PasswordHash(hash.algorithm(), hash.iterations() - 1, hash.salt(), hash.hash());

        assertThat(hash.iterations()).as("iterations of a new hash").isEqualTo(PasswordHash.ITERATIONS);
        assertThat(fewer.matches("some password".toCharArray())).as("check with other iterations").isFalse();
    }

    @Test
    void unknownAlgorithmNeverMatches() {
        PasswordHash hash = PasswordHash.create("some password".toCharArray());
        PasswordHash other = new PasswordHash("MD5", hash.iterations(), hash.salt(), hash.hash());

        assertThat(other.matches("some password".toCharArray())).isFalse();
    }

    @Test
    void shortPasswordRejected() {
        assertThatThrownBy(() -> PasswordHash.create("short".toCharArray()))
                .isInstanceOf(AccountException.class)
                .hasMessageContaining("at least " + PasswordHash.MIN_LENGTH);
    }

    @Test
    void checkIsSlow() {
        PasswordHash hash = PasswordHash.create("some password".toCharArray());
        hash.matches("warm up".toCharArray());

        long start = System.nanoTime();
        hash.matches("some password".toCharArray());
        long millis = (System.nanoTime() - start) / 1_000_000;

        // A lower bound only, with a wide margin: a fast machine may take 40 ms, a loaded one far more.
        assertThat(millis).as("milliseconds of one check").isGreaterThanOrEqualTo(20);
    }
}
