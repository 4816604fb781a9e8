package io.paysync.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The payment state rules (CONTRACT §3), free of I/O:
 * <ul>
 * <li>PENDING/UNCERTAIN → final; a final status is never left and never re-emitted;</li>
 * <li>a late PENDING (or UNCERTAIN) after a final status changes nothing;</li>
 * <li>a different final status after a final one changes nothing but adds {@link Flag#CONFLICT};</li>
 * <li>every change is appended to the history.</li>
 * </ul>
 */
public final class StateRules {

    private StateRules() {
    }

    /** The outcome of applying one update to one payment. */
    public record Transition(Payment after, List<HistoryEntry> newEntries, boolean finalized, boolean conflict) {

        /** True when something must be written back. */
        public boolean changed() {
            return !newEntries.isEmpty();
        }
    }

    /**
     * Applies {@code update} to {@code current}.
     *
     * @param created true when {@code current} was created from this very update
     */
    public static Transition apply(Payment current, boolean created, PaymentUpdate update, Instant now) {
        if (created) {
            Set<Flag> flags = EnumSet.noneOf(Flag.class);
            flags.addAll(current.flags());
            flags.addAll(update.flags());
            Payment after = merge(current, update, update.status(), flags, now);
            return new Transition(after, List.of(entry(update.status(), update, now, detail(update, "first seen"))),
                    update.status().isFinal(), false);
        }
        PaymentStatus from = current.status();
        PaymentStatus to = update.status();
        if (from.isFinal()) {
            if (to.isFinal() && to != from && !current.flags().contains(Flag.CONFLICT)) {
                Set<Flag> flags = with(current.flags(), Flag.CONFLICT);
                Payment after = copy(current, from, flags, current.statusReason(), now);
                String detail = "CONFLICT: " + update.source() + " reported " + to + " after " + from
                        + (update.statusReason() == null ? "" : " (" + update.statusReason() + ")");
                return new Transition(after, List.of(entry(from, update, now, detail)), false, true);
            }
            return unchanged(current, to.isFinal() && to != from);
        }
        if (to.isFinal() || (to == PaymentStatus.UNCERTAIN && from == PaymentStatus.PENDING)) {
            Set<Flag> flags = EnumSet.noneOf(Flag.class);
            flags.addAll(current.flags());
            flags.addAll(update.flags());
            String detail = update.statusReason();
            if (to.isFinal() && amountDiffers(current.amount(), update.amount())) {
                flags.add(Flag.AMOUNT_MISMATCH);
                detail = "amount reported " + update.amount().toPlainString() + ", expected "
                        + current.amount().toPlainString() + (detail == null ? "" : "; " + detail);
            }
            Payment after = merge(current, update, to, flags, now);
            return new Transition(after, List.of(entry(to, update, now, detail)), to.isFinal(), false);
        }
        // PENDING (or UNCERTAIN) that does not move the payment: keep what it adds, record nothing
        Payment after = merge(current, update, from, current.flags(), now);
        return new Transition(after, List.of(), false, false);
    }

    private static Transition unchanged(Payment current, boolean conflictAlreadyFlagged) {
        return new Transition(current, List.of(), false, conflictAlreadyFlagged);
    }

    private static boolean amountDiffers(BigDecimal expected, BigDecimal reported) {
        return expected != null && reported != null && expected.compareTo(reported) != 0;
    }

    private static Payment merge(Payment p, PaymentUpdate u, PaymentStatus status, Set<Flag> flags, Instant now) {
        Instant finalizedAt = status.isFinal() ? Objects.requireNonNullElse(p.finalizedAt(), now) : null;
        return new Payment(p.id(), p.provider(), p.merchantReference(),
                first(p.providerReference(), u.providerReference()),
                status,
                first(p.amount(), u.amount()),
                first(p.currency(), u.currency()),
                first(u.fees(), p.fees()),
                first(p.payer(), u.payer()),
                first(u.operator(), p.operator()),
                first(u.statusReason(), p.statusReason()),
                flags,
                first(p.virtualAccount(), u.virtualAccount()),
                first(p.customerId(), u.customerId()),
                p.origin(), p.createdAt(), now, finalizedAt, p.history());
    }

    private static Payment copy(Payment p, PaymentStatus status, Set<Flag> flags, String reason, Instant now) {
        return new Payment(p.id(), p.provider(), p.merchantReference(), p.providerReference(), status, p.amount(),
                p.currency(), p.fees(), p.payer(), p.operator(), reason, flags, p.virtualAccount(), p.customerId(),
                p.origin(), p.createdAt(), now, p.finalizedAt(), p.history());
    }

    private static <T> T first(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    private static Set<Flag> with(Set<Flag> flags, Flag flag) {
        List<Flag> all = new ArrayList<>(flags);
        all.add(flag);
        return EnumSet.copyOf(all);
    }

    private static HistoryEntry entry(PaymentStatus status, PaymentUpdate update, Instant at, String detail) {
        return new HistoryEntry(status, update.source(), at, detail);
    }

    private static String detail(PaymentUpdate update, String prefix) {
        return update.statusReason() == null ? prefix : prefix + "; " + update.statusReason();
    }
}
