package io.paysync.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class OutboxBackoffTests {

    private static Outbox outbox(Duration initial, Duration max) {
        return OutboxBelowSpring.on(null, Clock.systemUTC(), initial, max, 100);
    }

    private final Outbox outbox = outbox(Duration.ofSeconds(1), Duration.ofMinutes(5));

    @Test
    void firstAttemptWaitsTheInitialBackoff() {
        assertThat(outbox.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void backoffDoublesWithEachAttempt() {
        assertThat(outbox.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(outbox.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(outbox.backoff(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(outbox.backoff(9)).isEqualTo(Duration.ofSeconds(256));
    }

    @Test
    void backoffIsCappedAtMaxBackoff() {
        assertThat(outbox.backoff(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(outbox.backoff(20)).isEqualTo(Duration.ofMinutes(5));
        assertThat(outbox.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void backoffFollowsConfiguredSettings() {
        Outbox custom = outbox(Duration.ofMillis(500), Duration.ofSeconds(3));

        assertThat(custom.backoff(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(custom.backoff(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(custom.backoff(4)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void initialBackoffAboveMaxIsCapped() {
        assertThat(outbox(Duration.ofMinutes(10), Duration.ofMinutes(5)).backoff(1)).isEqualTo(Duration.ofMinutes(5));
    }
}
