package io.paysync.payment;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.paysync.system.PaymentMdc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A payment that became final, counted and logged once the pipeline's transaction commits (a
 * rolled-back settlement is retried and counted when it finally commits):
 * {@code paysync.payments.settled} (tags {@code provider}, {@code status}), the timer
 * {@code paysync.settlement.latency} (tag {@code provider}: from the callback or status answer
 * being received, {@code callback_inbox.received_at}, to the payment's {@code finalized_at}),
 * and one INFO line.
 */
@Component
class Settlements {

    private static final Logger log = LoggerFactory.getLogger(Settlements.class);

    private final MeterRegistry registry;

    Settlements(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The payment just became final in the current transaction; {@code receivedAt} may be null. */
    void settled(Payment payment, Instant receivedAt) {
        AfterCommit.run(() -> record(payment, receivedAt));
    }

    private void record(Payment payment, Instant receivedAt) {
        Counter.builder("paysync.payments.settled")
                .description("Payments that became final, by provider and final status")
                .tag("provider", payment.provider())
                .tag("status", payment.status().name())
                .register(registry)
                .increment();
        if (receivedAt != null && payment.finalizedAt() != null) {
            Timer.builder("paysync.settlement.latency")
                    .description("From receiving the callback or status answer to the payment being final")
                    .tag("provider", payment.provider())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(10))
                    .register(registry)
                    .record(Duration.between(receivedAt, payment.finalizedAt()));
        }
        PaymentMdc.with(payment.provider(), payment.merchantReference(), () -> log.info(
                "Payment settled provider={} merchantReference={} status={}", payment.provider(),
                payment.merchantReference(), payment.status()));
    }
}
