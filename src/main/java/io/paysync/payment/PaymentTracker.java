package io.paysync.payment;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.paysync.provider.Providers;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registers payments initiated outside paysync ({@code PUT /api/payments/{provider}/{ref}}):
 * idempotent on (provider, merchant reference), matched as the provider matches it (MyPVit
 * without dashes); the same request again returns the payment, a request that contradicts it is
 * a conflict.
 */
@Service
public class PaymentTracker {

    private final PaymentRepository payments;
    private final Providers providers;
    private final ReconciliationSchedule schedule;
    private final TransactionTemplate transaction;
    private final Clock clock;

    PaymentTracker(PaymentRepository payments, Providers providers, ReconciliationSchedule schedule,
            PlatformTransactionManager transactions, Clock clock) {
        this.payments = payments;
        this.providers = providers;
        this.schedule = schedule;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    public record Request(String provider, String merchantReference, String providerReference, BigDecimal amount,
            String currency, String payer) {
    }

    public record Tracked(Payment payment, boolean created) {
    }

    /** The request contradicts what paysync already holds under that reference. */
    public static class ConflictException extends RuntimeException {
        public ConflictException(String detail) {
            super(detail, null, false, false);
        }
    }

    /**
     * The payment a merchant names by {@code (provider, merchantReference)}: the one stored under that
     * reference, else the one stored under another form of it that the provider cannot tell apart
     * (same match key, see CallbackMapper#matchKey: MyPVit strips dashes, so {@code ORDER-42} names the
     * payment its callback created as {@code ORDER42}, and the other way round).
     */
    public Optional<Payment> find(String provider, String merchantReference) {
        return payments.find(provider, merchantReference).or(() -> payments.findByMatchKey(provider,
                providers.require(provider).matchKey(merchantReference)));
    }

    /**
     * Registers the payment, or returns the one it names already ({@link #find}) when the request agrees
     * with it.
     */
    public Tracked track(Request request) {
        return transaction.execute(status -> {
            Optional<Payment> existing = find(request.provider(), request.merchantReference());
            if (existing.isPresent()) {
                return new Tracked(same(existing.get(), request), false);
            }
            Instant now = clock.instant();
            String matchKey = providers.require(request.provider()).matchKey(request.merchantReference());
            boolean created = payments.insertIfAbsent(new PaymentRepository.NewPayment(request.provider(),
                    request.merchantReference(), matchKey, request.providerReference(), request.amount(),
                    request.currency(), request.payer(), Set.of(), Source.API,
                    schedule.firstCheck(request.provider(), now)), now);
            if (!created) {
                // a concurrent creator's, visible once its transaction ended; gone only if it was removed
                // since (an initiation the provider did not take)
                Payment theirs = find(request.provider(), request.merchantReference()).orElseThrow(() ->
                        new ConflictException("a " + request.provider() + " payment " + request.merchantReference()
                                + " was being registered and removed at the same time; repeat the request"));
                return new Tracked(same(theirs, request), false);
            }
            Payment payment = payments.find(request.provider(), request.merchantReference()).orElseThrow();
            payments.appendHistory(payment.id(),
                    List.of(new HistoryEntry(PaymentStatus.PENDING, Source.API, now, "tracked")));
            return new Tracked(payments.find(request.provider(), request.merchantReference()).orElseThrow(), true);
        });
    }

    /** The existing payment when the request agrees with it (filling a missing provider reference). */
    private Payment same(Payment payment, Request request) {
        List<String> differing = new ArrayList<>();
        if (differs(payment.amount(), request.amount())) {
            differing.add("amount");
        }
        if (differs(payment.currency(), request.currency())) {
            differing.add("currency");
        }
        if (differs(payment.providerReference(), request.providerReference())) {
            differing.add("providerReference");
        }
        if (differs(payment.payer(), request.payer())) {
            differing.add("payer");
        }
        if (!differing.isEmpty()) {
            throw new ConflictException("a " + payment.provider() + " payment " + payment.merchantReference()
                    + " exists with a different " + String.join(", ", differing));
        }
        if (payment.providerReference() == null && request.providerReference() != null) {
            payments.fillProviderReference(payment.id(), request.providerReference());
            return payments.find(payment.provider(), payment.merchantReference()).orElseThrow();
        }
        return payment;
    }

    private static boolean differs(Object held, Object asked) {
        if (held == null || asked == null) {
            return false;
        }
        if (held instanceof BigDecimal a && asked instanceof BigDecimal b) {
            return a.compareTo(b) != 0;
        }
        return !Objects.equals(held, asked);
    }
}
