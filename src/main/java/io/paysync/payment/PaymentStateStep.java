package io.paysync.payment;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.paysync.provider.CallbackMapper;
import io.paysync.provider.Providers;
import io.paysync.system.PaymentMdc;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code apply-state-rules} step of the payment pipeline: finds (or creates) the payment an
 * update belongs to, locks it for the rest of the transaction, applies the {@link StateRules}
 * and writes the result. Leaves the payment as the body and, when it just became final, the
 * idempotency key of its outcome in {@value #FINAL_KEY}; a payment to check with its provider right
 * away is added to {@link PaymentUpdate#STATUS_CHECKS} once the transaction commits.
 *
 * <p>Runs inside the pipeline's transaction: the row lock serialises concurrent updates of one
 * payment across threads and instances.
 */
@Component("paymentStateRules")
class PaymentStateStep implements Processor {

    private static final Logger log = LoggerFactory.getLogger(PaymentStateStep.class);

    /** Exchange property: {@code provider:merchantReference} of a payment that just became final. */
    static final String FINAL_KEY = "paysyncFinalKey";

    private final PaymentRepository payments;
    private final Providers providers;
    private final ReconciliationSchedule schedule;
    private final ReconciliationSettings settings;
    private final Settlements settlements;
    private final Clock clock;

    PaymentStateStep(PaymentRepository payments, Providers providers, ReconciliationSchedule schedule,
            ReconciliationSettings settings, Settlements settlements, Clock clock) {
        this.settlements = settlements;
        this.payments = payments;
        this.providers = providers;
        this.schedule = schedule;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        PaymentUpdate update = exchange.getMessage().getMandatoryBody(PaymentUpdate.class);
        Instant now = clock.instant();
        Located located = locate(update, now);
        Payment current = located.payment();
        PaymentMdc.name(exchange, current.provider(), current.merchantReference());
        apply(exchange, update, located, now);
    }

    private void apply(Exchange exchange, PaymentUpdate update, Located located, Instant now) {
        Payment current = located.payment();
        CallbackMapper.Trust trust = trust(update.provider());
        boolean open = !current.status().isFinal();
        PaymentUpdate effective = update;
        PaymentStatus claim = null;
        if (update.source() == Source.CALLBACK && open && update.status().isFinal()
                && trust == CallbackMapper.Trust.CONFIRM) {
            // an unsigned callback's final status waits for the provider's status API
            claim = update.status();
            effective = update.withStatus(PaymentStatus.PENDING);
        }
        if (update.source() == Source.STATUS_CHECK && update.status().isFinal() && open && !located.firstSeen()) {
            PaymentStatus claimed = payments.claimedStatus(current.id());
            if (claimed != null && claimed != update.status()) {
                log.warn("CALLBACK_MISMATCH on {} payment {}: the callback reported {}, the status API says {};"
                        + " the API wins", current.provider(), current.merchantReference(), claimed, update.status());
                effective = update.withFlag(Flag.CALLBACK_MISMATCH);
            }
        }
        StateRules.Transition transition = StateRules.apply(current, located.firstSeen(), effective, now);
        Payment after = claim == null ? transition.after() : transition.after().withFlags(update.flags());
        if (transition.conflict()) {
            log.warn("CONFLICT on {} payment {}: {} reported {} but it is final as {}; the first final status stands",
                    current.provider(), current.merchantReference(), update.source(), update.status(),
                    current.status());
        }
        List<HistoryEntry> entries = new ArrayList<>(transition.newEntries());
        if (claim != null) {
            entries.add(new HistoryEntry(PaymentStatus.PENDING, Source.CALLBACK, now,
                    "callback reports " + claim + "; awaiting confirmation by a status check"));
        }
        boolean checkNow = !after.status().isFinal() && update.source() == Source.CALLBACK
                && (claim != null || trust == CallbackMapper.Trust.CHECK);
        if (located.firstSeen()) {
            Instant nextCheck = after.status() != PaymentStatus.PENDING ? null
                    : checkNow ? now : schedule.firstCheck(update.provider(), now);
            Optional<Payment> inserted = payments.insertFirstSeenIfAbsent(after, located.matchKey(), claim, nextCheck);
            if (inserted.isEmpty()) {
                // a concurrent creator's payment, locked once its transaction ended: updated like any other
                Payment theirs = payments.lockByMatchKey(update.provider(), located.matchKey())
                        .orElseThrow(() -> new IllegalStateException("payment " + current.merchantReference()
                                + " vanished"));
                // their reference may differ from the callback's in form (MyPVit strips dashes)
                PaymentMdc.name(exchange, theirs.provider(), theirs.merchantReference());
                apply(exchange, update, new Located(theirs, false, located.matchKey()), now);
                return;
            }
            after = inserted.get();
        } else {
            if (transition.changed() || !after.equals(current)) {
                payments.update(after);
            }
            if (claim != null) {
                payments.claim(current.id(), claim);
            }
            if (checkNow) {
                payments.dueNow(current.id(), now);
            }
        }
        payments.appendHistoryAtCommit(after.id(), entries);
        if (checkNow) {
            checkOnceCommitted(exchange, after.id());
        }
        if (transition.finalized()) {
            settlements.settled(after, exchange.getProperty(PaymentUpdate.RECEIVED_AT, Instant.class));
            exchange.setProperty(FINAL_KEY, current.provider() + ":" + current.merchantReference());
        } else {
            exchange.removeProperty(FINAL_KEY);
        }
        exchange.getMessage().setBody(after);
    }

    /** Adds the payment to {@link PaymentUpdate#STATUS_CHECKS} once the transaction commits (at once outside one). */
    private static void checkOnceCommitted(Exchange exchange, long paymentId) {
        @SuppressWarnings("unchecked")
        List<Long> checks = exchange.getProperty(PaymentUpdate.STATUS_CHECKS, List.class);
        if (checks == null) {
            checks = new ArrayList<>();
            exchange.setProperty(PaymentUpdate.STATUS_CHECKS, checks);
        }
        List<Long> due = checks;
        AfterCommit.run(() -> due.add(paymentId));
    }

    /** CONFIRM becomes FINAL where {@code paysync.providers.<p>.confirm-callbacks=false}. */
    private CallbackMapper.Trust trust(String provider) {
        CallbackMapper.Trust trust = providers.require(provider).trust();
        return trust == CallbackMapper.Trust.CONFIRM && !settings.confirmCallbacks(provider)
                ? CallbackMapper.Trust.FINAL : trust;
    }

    /**
     * The payment an update belongs to: a stored one, locked, or — when {@code firstSeen} — one not
     * stored yet, as it would be created (PENDING, id 0), inserted by {@link #apply} in the state the
     * update leaves it in.
     */
    private record Located(Payment payment, boolean firstSeen, String matchKey) {
    }

    private Located locate(PaymentUpdate update, Instant now) {
        String provider = update.provider();
        return switch (update.match()) {
            case MERCHANT_REFERENCE -> findOrFirstSeen(update, update.merchantReference(), Set.of(), now);
            case PROVIDER_REFERENCE -> payments.lockByProviderReference(provider, update.providerReference())
                    .map(p -> new Located(p, false, null))
                    .orElseGet(() -> findOrFirstSeen(update, update.providerReference(), Set.of(Flag.UNREGISTERED), now));
            case VIRTUAL_ACCOUNT -> (update.virtualAccount() == null ? Optional.<Payment>empty()
                    : payments.lockOpenByVirtualAccount(provider, update.virtualAccount()))
                    .map(p -> new Located(p, false, null))
                    .orElseGet(() -> findOrFirstSeen(update, update.merchantReference(), Set.of(), now));
        };
    }

    private Located findOrFirstSeen(PaymentUpdate update, String merchantReference, Set<Flag> flags, Instant now) {
        CallbackMapper mapper = providers.require(update.provider());
        String matchKey = mapper.matchKey(merchantReference);
        return payments.lockByMatchKey(update.provider(), matchKey)
                .map(p -> new Located(p, false, matchKey))
                .orElseGet(() -> new Located(new Payment(0, update.provider(), merchantReference,
                        update.providerReference(), PaymentStatus.PENDING, null, null, null, null, null, null, flags,
                        null, null, update.source(), now, now, null, List.of()), true, matchKey));
    }
}
