package io.paysync.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.paysync.payment.PaymentRepository;
import io.paysync.provider.Providers;
import org.springframework.stereotype.Component;

/**
 * Gauges of the reconciliation backlog, per provider, read from the database (so every instance
 * reports the cluster's numbers): {@code paysync.reconciliation.backlog} (PENDING payments due
 * for a status check now) and {@code paysync.reconciliation.backlog.oldest.age} (seconds since
 * the most overdue of them became due; 0 when none is due). One query serves all gauges and is
 * reused for {@value #CACHE_MILLIS} ms, so a scrape costs at most one query.
 */
@Component
class ReconciliationBacklog {

    static final long CACHE_MILLIS = 5000;

    private final PaymentRepository payments;
    private final Clock clock;
    private Snapshot snapshot;

    private record Snapshot(Instant at, Map<String, PaymentRepository.Due> due) {
    }

    ReconciliationBacklog(PaymentRepository payments, Providers providers, MeterRegistry registry, Clock clock) {
        this.payments = payments;
        this.clock = clock;
        for (String provider : providers.names()) {
            Gauge.builder("paysync.reconciliation.backlog", this, backlog -> backlog.count(provider))
                    .description("PENDING payments due for a status check now")
                    .tag("provider", provider)
                    .register(registry);
            Gauge.builder("paysync.reconciliation.backlog.oldest.age", this, backlog -> backlog.oldestAge(provider))
                    .description("How long the most overdue payment has been due for its status check")
                    .tag("provider", provider)
                    .baseUnit("seconds")
                    .register(registry);
        }
    }

    double count(String provider) {
        PaymentRepository.Due due = current().due().get(provider);
        return due == null ? 0 : due.count();
    }

    double oldestAge(String provider) {
        Snapshot current = current();
        PaymentRepository.Due due = current.due().get(provider);
        if (due == null || due.oldestDueAt() == null) {
            return 0;
        }
        return Math.max(0, Duration.between(due.oldestDueAt(), current.at()).toMillis() / 1000.0);
    }

    private synchronized Snapshot current() {
        Instant now = clock.instant();
        if (snapshot == null || Duration.between(snapshot.at(), now).toMillis() >= CACHE_MILLIS
                || now.isBefore(snapshot.at())) {
            snapshot = new Snapshot(now, payments.due(now));
        }
        return snapshot;
    }
}
