package io.paysync.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.paysync.callback.CallbackInbox;
import io.paysync.payment.HistoryEntry;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentRepository;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.ReconciliationSchedule;
import io.paysync.payment.ReconciliationSettings;
import io.paysync.payment.Source;
import io.paysync.provider.Providers;
import io.paysync.provider.StatusClient;
import io.paysync.provider.StatusClient.StatusAnswer;
import io.paysync.system.PaymentMdc;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The steps of the {@code reconcile} routes (CONTRACT §7): claim the PENDING payments due for a
 * status check, ask each provider, and hand every final answer to the payment pipeline through
 * the inbox, like a callback (same state rules, idempotent gate, exactly-once delivery). A
 * payment without a final answer after {@code give-up-after} becomes UNCERTAIN.
 */
@Component("reconciler")
class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    /** Exchange property: true when the pipeline has an inbox entry to process (body: its id). */
    static final String HAND_OFF = CallbackInbox.HAND_OFF;
    /** How long a claimed payment is held for its check before another checker may take it. */
    static final Duration LEASE = Duration.ofMinutes(2);
    /**
     * A payment whose check was not made because its provider was busy is due again after this (or
     * after {@code interval} if shorter): not an attempt (its backoff does not grow), and behind the
     * payments of other providers due now.
     */
    static final Duration BUSY_RETRY = Duration.ofSeconds(2);

    private final PaymentRepository payments;
    private final CallbackInbox inbox;
    private final ReconciliationSchedule schedule;
    private final ReconciliationSettings settings;
    private final Map<String, StatusClient> clients;
    private final ProviderGuard guard;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Providers providers;

    Reconciler(PaymentRepository payments, CallbackInbox inbox, ReconciliationSchedule schedule,
            ReconciliationSettings settings, List<StatusClient> clients, ProviderGuard guard, MeterRegistry metrics,
            Clock clock, Providers providers) {
        this.providers = providers;
        this.payments = payments;
        this.inbox = inbox;
        this.schedule = schedule;
        this.settings = settings;
        this.clients = clients.stream().collect(Collectors.toMap(StatusClient::provider, Function.identity()));
        this.guard = guard;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** {@code claim-due-payments}: ids of the payments this run checks. */
    public List<Long> claimDue() {
        Instant now = clock.instant();
        return payments.claimDue(now, now.plus(LEASE), settings.reconciliation().batchSize());
    }

    /** {@code claim-payment-now}: the body (a payment id) stays when claimed, else becomes null. */
    public void claimNow(Exchange exchange) {
        long id = exchange.getMessage().getBody(Long.class);
        Instant now = clock.instant();
        exchange.getMessage().setBody(payments.claimNow(id, now, now.plus(LEASE)) ? id : null);
    }

    /** {@code check-status}: the body is a claimed payment id. */
    public void check(Exchange exchange) {
        exchange.setProperty(HAND_OFF, false);
        long id = exchange.getMessage().getBody(Long.class);
        Optional<Payment> found = payments.findById(id);
        if (found.isEmpty() || found.get().status().isFinal()) {
            return;
        }
        Payment payment = found.get();
        PaymentMdc.name(exchange, payment.provider(), payment.merchantReference());
        Instant now = clock.instant();
        if (payment.status() == PaymentStatus.PENDING && schedule.givenUp(payment.createdAt(), now)) {
            log.warn("No final status for {} payment {} after {}: UNCERTAIN; a later callback or check still settles it",
                    payment.provider(), payment.merchantReference(), schedule.giveUpAfter());
            count(payment.provider(), "given-up");
            handOff(exchange, inbox.recordOwn(payment.provider(), "GIVE_UP", null,
                    PaymentUpdate.builder(payment.provider(), PaymentStatus.UNCERTAIN, Source.STATUS_CHECK)
                            .merchantReference(payment.merchantReference())
                            .statusReason("no final status after " + schedule.giveUpAfter())
                            .build()));
            return;
        }
        if (payment.status() == PaymentStatus.UNCERTAIN && schedule.givenUp(payment.updatedAt(), now)) {
            // checks a callback asked for (dueNow): its claim stays unconfirmed, a later callback asks again
            log.warn("No final status for UNCERTAIN {} payment {} within {} of its last callback; checks stop",
                    payment.provider(), payment.merchantReference(), schedule.giveUpAfter());
            count(payment.provider(), "given-up");
            payments.stopChecks(payment.id());
            return;
        }
        if (!providers.enabled(payment.provider())) {
            // switched off: not asked, still due (checked once it is switched on again)
            count(payment.provider(), "disabled");
            payments.release(payment.id(), now.plus(settings.reconciliation().interval()));
            return;
        }
        StatusClient client = clients.get(payment.provider());
        if (client == null) {
            count(payment.provider(), "no-client");
            rescheduled(payment, now);
            return;
        }
        StatusAnswer answer = guard.guard(payment.provider(), () -> client.check(payment));
        if (answer instanceof StatusAnswer.Known known && known.update().status().isFinal()) {
            count(payment.provider(), "final");
            log.info("Status check: {} payment {} is {}", payment.provider(), payment.merchantReference(),
                    known.update().status());
            handOff(exchange, inbox.recordOwn(payment.provider(), "STATUS_CHECK", known.raw(), known.update()));
            // a safety net: the pipeline clears the schedule when it settles the payment
            payments.checked(payment.id(), schedule.nextCheck(payments.checkAttempts(payment.id()) + 1, now));
        } else if (answer instanceof StatusAnswer.Known) {
            count(payment.provider(), "pending");
            rescheduled(payment, now);
        } else if (answer instanceof StatusAnswer.Busy) {
            count(payment.provider(), "busy");
            Duration interval = settings.reconciliation().interval();
            payments.release(payment.id(), now.plus(interval.compareTo(BUSY_RETRY) < 0 ? interval : BUSY_RETRY));
        } else if (answer instanceof StatusAnswer.Unavailable unavailable) {
            count(payment.provider(), "unavailable");
            log.info("Status check of {} payment {} got no answer: {}", payment.provider(),
                    payment.merchantReference(), unavailable.reason());
            payments.appendHistory(payment.id(), List.of(new HistoryEntry(payment.status(), Source.STATUS_CHECK, now,
                    "status check failed: " + unavailable.reason())));
            rescheduled(payment, now);
        }
    }

    private void rescheduled(Payment payment, Instant now) {
        payments.checked(payment.id(), schedule.nextCheck(payments.checkAttempts(payment.id()) + 1, now));
    }

    private void handOff(Exchange exchange, long inboxId) {
        exchange.setProperty(HAND_OFF, true);
        exchange.getMessage().setBody(inboxId);
    }

    private void count(String provider, String outcome) {
        Counter.builder("paysync.status.checks")
                .description("Status checks, by provider and outcome")
                .tag("provider", provider)
                .tag("outcome", outcome)
                .register(metrics)
                .increment();
    }
}
