package io.paysync.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.paysync.provider.StatusClient;
import org.junit.jupiter.api.Test;

/** When a payment is first checked (CONTRACT §7): a provider's configured delay as given, else the global one, never earlier than the provider allows. */
class ReconciliationScheduleTests {

    private static final Instant CREATED = Instant.parse("2026-11-22T10:00:00Z");

    /** A provider whose status API refuses checks in the first 2 minutes, like EllyPay's. */
    private static final StatusClient SLOW = new StatusClient() {
        @Override
        public String provider() {
            return "slow";
        }

        @Override
        public StatusAnswer check(Payment payment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Duration earliestFirstCheck() {
            return Duration.ofMinutes(2);
        }
    };

    private static ReconciliationSchedule schedule(Duration global, Duration slowsOwn) {
        ReconciliationSettings settings = new ReconciliationSettings(
                new ReconciliationSettings.Reconciliation(global, Duration.ofMinutes(5), Duration.ofHours(24), "", 50),
                slowsOwn == null ? Map.of() : Map.of("slow", new ReconciliationSettings.Provider(slowsOwn, null)));
        return new ReconciliationSchedule(settings, List.of(SLOW));
    }

    @Test
    void aConfiguredFirstCheckIsHonouredEvenBelowTheProvidersMinimum() {
        assertThat(schedule(Duration.ofSeconds(60), Duration.ofSeconds(30)).firstCheck("slow", CREATED))
                .isEqualTo(CREATED.plusSeconds(30));
    }

    @Test
    void theGlobalFirstCheckWaitsForTheProvidersMinimum() {
        assertThat(schedule(Duration.ofSeconds(60), null).firstCheck("slow", CREATED))
                .isEqualTo(CREATED.plus(Duration.ofMinutes(2)));
        assertThat(schedule(Duration.ofMinutes(10), null).firstCheck("slow", CREATED))
                .isEqualTo(CREATED.plus(Duration.ofMinutes(10)));
        assertThat(schedule(Duration.ofSeconds(60), null).firstCheck("other", CREATED))
                .isEqualTo(CREATED.plusSeconds(60));
    }
}
