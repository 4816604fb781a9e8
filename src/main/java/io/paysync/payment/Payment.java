package io.paysync.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The canonical payment (CONTRACT §3), as stored. */
public record Payment(
        long id,
        String provider,
        String merchantReference,
        String providerReference,
        PaymentStatus status,
        BigDecimal amount,
        String currency,
        BigDecimal fees,
        String payer,
        String operator,
        String statusReason,
        Set<Flag> flags,
        String virtualAccount,
        String customerId,
        Source origin,
        Instant createdAt,
        Instant updatedAt,
        Instant finalizedAt,
        List<HistoryEntry> history) {

    public Payment {
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        history = history == null ? List.of() : List.copyOf(history);
    }

    public Payment withHistory(List<HistoryEntry> entries) {
        return new Payment(id, provider, merchantReference, providerReference, status, amount, currency, fees, payer,
                operator, statusReason, flags, virtualAccount, customerId, origin, createdAt, updatedAt, finalizedAt,
                entries);
    }

    /** The same payment with more flags. */
    public Payment withFlags(Set<Flag> more) {
        Set<Flag> all = EnumSet.noneOf(Flag.class);
        all.addAll(flags);
        all.addAll(more);
        return new Payment(id, provider, merchantReference, providerReference, status, amount, currency, fees, payer,
                operator, statusReason, all, virtualAccount, customerId, origin, createdAt, updatedAt, finalizedAt,
                history);
    }

    /** The stable id of the downstream event for this payment's final outcome (CONTRACT §4). */
    public String eventId() {
        return provider + ":" + merchantReference + ":" + status;
    }
}
