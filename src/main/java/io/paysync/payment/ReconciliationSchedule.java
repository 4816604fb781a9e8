package io.paysync.payment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.paysync.provider.StatusClient;
import org.springframework.stereotype.Component;

/**
 * When a PENDING payment is asked about (CONTRACT §7): first after
 * {@code first-check-after} (per provider when configured, else the global value but never
 * earlier than the provider's status API allows), then after {@code interval}, doubling up to
 * four intervals, until {@code give-up-after} since creation.
 */
@Component
public class ReconciliationSchedule {

    static final int MAX_INTERVAL_FACTOR = 4;
    static final double JITTER = 0.1;

    private final ReconciliationSettings settings;
    private final Map<String, StatusClient> clients;

    ReconciliationSchedule(ReconciliationSettings settings, List<StatusClient> clients) {
        this.settings = settings;
        this.clients = clients.stream().collect(Collectors.toMap(StatusClient::provider, Function.identity()));
    }

    public Instant firstCheck(String provider, Instant createdAt) {
        Duration configured = settings.firstCheckAfter(provider);
        if (configured != null) {
            return createdAt.plus(configured);
        }
        Duration global = settings.reconciliation().firstCheckAfter();
        StatusClient client = clients.get(provider);
        Duration earliest = client == null ? Duration.ZERO : client.earliestFirstCheck();
        return createdAt.plus(global.compareTo(earliest) >= 0 ? global : earliest);
    }

    /**
     * The next check after {@code attempts} checks without a final answer, with ±10 % jitter so
     * that payments created together are not all asked about at the same moment again.
     */
    public Instant nextCheck(int attempts, Instant now) {
        Duration delay = backoff(attempts);
        long jitter = (long) (delay.toMillis() * JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1));
        return now.plus(delay).plusMillis(jitter);
    }

    /** {@code interval × 2^(attempts−1)}, at most four intervals. */
    Duration backoff(int attempts) {
        Duration interval = settings.reconciliation().interval();
        Duration max = interval.multipliedBy(MAX_INTERVAL_FACTOR);
        Duration delay = interval;
        for (int i = 1; i < attempts && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }

    public boolean givenUp(Instant createdAt, Instant now) {
        return !now.isBefore(createdAt.plus(settings.reconciliation().giveUpAfter()));
    }

    public Duration giveUpAfter() {
        return settings.reconciliation().giveUpAfter();
    }
}
