package io.paysync.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class StateRulesTests {

    private static final Instant CREATED = Instant.parse("2026-11-21T10:00:00Z");
    private static final Instant FINALIZED = Instant.parse("2026-11-21T10:05:00Z");
    private static final Instant NOW = Instant.parse("2026-11-21T11:00:00Z");

    private static Payment payment(PaymentStatus status, BigDecimal amount, Set<Flag> flags, Instant finalizedAt,
            List<HistoryEntry> history) {
        return new Payment(7L, "mypvit", "ORDER42", null, status, amount, "XAF", null, null, null, null, flags,
                null, null, Source.API, CREATED, CREATED, finalizedAt, history);
    }

    private static Payment pending() {
        return payment(PaymentStatus.PENDING, new BigDecimal("500"), Set.of(), null,
                List.of(new HistoryEntry(PaymentStatus.PENDING, Source.API, CREATED, "first seen")));
    }

    private static Payment uncertain() {
        return payment(PaymentStatus.UNCERTAIN, new BigDecimal("500"), Set.of(), null, List.of());
    }

    private static Payment finalPayment(PaymentStatus status) {
        return payment(status, new BigDecimal("500"), Set.of(), FINALIZED, List.of());
    }

    private static PaymentUpdate.Builder update(PaymentStatus status) {
        return PaymentUpdate.builder("mypvit", status, Source.CALLBACK).merchantReference("ORDER42");
    }

    /** A payment just inserted from the update itself, as the locator creates it. */
    private static Payment createdFrom(PaymentUpdate u) {
        return new Payment(0L, u.provider(), u.merchantReference(), null, u.status(), null, null, null, null, null,
                null, Set.of(), null, null, u.source(), NOW, NOW, null, List.of());
    }

    @Test
    void createdFromFinalUpdateIsFinalizedWithOneEntry() {
        PaymentUpdate u = update(PaymentStatus.SUCCESS).amount(new BigDecimal("500")).currency("XAF")
                .providerReference("PAY2802").build();

        StateRules.Transition t = StateRules.apply(createdFrom(u), true, u, NOW);

        assertThat(t.finalized()).isTrue();
        assertThat(t.conflict()).isFalse();
        assertThat(t.changed()).isTrue();
        assertThat(t.after().status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(t.after().finalizedAt()).isEqualTo(NOW);
        assertThat(t.after().providerReference()).isEqualTo("PAY2802");
        assertThat(t.after().amount()).isEqualByComparingTo("500");
        assertThat(t.newEntries()).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(PaymentStatus.SUCCESS);
            assertThat(e.source()).isEqualTo(Source.CALLBACK);
            assertThat(e.at()).isEqualTo(NOW);
        });
    }

    @Test
    void createdFromPendingUpdateIsNotFinalizedButHasOneEntry() {
        PaymentUpdate u = update(PaymentStatus.PENDING).build();

        StateRules.Transition t = StateRules.apply(createdFrom(u), true, u, NOW);

        assertThat(t.finalized()).isFalse();
        assertThat(t.after().status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(t.after().finalizedAt()).isNull();
        assertThat(t.newEntries()).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(PaymentStatus.PENDING);
            assertThat(e.source()).isEqualTo(Source.CALLBACK);
        });
    }

    @Test
    void createdFromUpdateCarriesItsFlags() {
        PaymentUpdate u = update(PaymentStatus.SUCCESS).flags(Set.of(Flag.UNREGISTERED)).build();

        StateRules.Transition t = StateRules.apply(createdFrom(u), true, u, NOW);

        assertThat(t.after().flags()).containsExactly(Flag.UNREGISTERED);
    }

    @Test
    void pendingToSuccessFinalizesAndRecordsHistory() {
        PaymentUpdate u = update(PaymentStatus.SUCCESS).providerReference("PAY2802").amount(new BigDecimal("500"))
                .fees(new BigDecimal("10")).operator("AIRTEL_MONEY").payer("077000001").statusReason("paid").build();

        StateRules.Transition t = StateRules.apply(pending(), false, u, NOW);

        assertThat(t.finalized()).isTrue();
        assertThat(t.conflict()).isFalse();
        assertThat(t.changed()).isTrue();
        Payment after = t.after();
        assertThat(after.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(after.providerReference()).isEqualTo("PAY2802");
        assertThat(after.fees()).isEqualByComparingTo("10");
        assertThat(after.operator()).isEqualTo("AIRTEL_MONEY");
        assertThat(after.payer()).isEqualTo("077000001");
        assertThat(after.statusReason()).isEqualTo("paid");
        assertThat(after.finalizedAt()).isEqualTo(NOW);
        assertThat(after.updatedAt()).isEqualTo(NOW);
        assertThat(after.createdAt()).isEqualTo(CREATED);
        assertThat(after.flags()).isEmpty();
        assertThat(t.newEntries()).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(PaymentStatus.SUCCESS);
            assertThat(e.source()).isEqualTo(Source.CALLBACK);
            assertThat(e.at()).isEqualTo(NOW);
        });
    }

    @Test
    void pendingToFailedFinalizesAndRecordsHistory() {
        StateRules.Transition t = StateRules.apply(pending(), false,
                update(PaymentStatus.FAILED).statusReason("insufficient funds").build(), NOW);

        assertThat(t.finalized()).isTrue();
        assertThat(t.after().status()).isEqualTo(PaymentStatus.FAILED);
        assertThat(t.after().statusReason()).isEqualTo("insufficient funds");
        assertThat(t.after().finalizedAt()).isEqualTo(NOW);
        assertThat(t.newEntries()).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(PaymentStatus.FAILED);
            assertThat(e.detail()).contains("insufficient funds");
        });
    }

    @Test
    void pendingToCancelledFinalizesAndRecordsHistory() {
        StateRules.Transition t = StateRules.apply(pending(), false, update(PaymentStatus.CANCELLED).build(), NOW);

        assertThat(t.finalized()).isTrue();
        assertThat(t.after().status()).isEqualTo(PaymentStatus.CANCELLED);
        assertThat(t.after().finalizedAt()).isEqualTo(NOW);
        assertThat(t.newEntries()).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(PaymentStatus.CANCELLED));
    }

    @Test
    void finalUpdateKeepsKnownProviderReferenceAndPayer() {
        Payment current = new Payment(7L, "mypvit", "ORDER42", "PAY1", PaymentStatus.PENDING, new BigDecimal("500"),
                "XAF", new BigDecimal("5"), "077000001", "MOOV_MONEY", null, Set.of(), null, null, Source.API,
                CREATED, CREATED, null, List.of());
        PaymentUpdate u = update(PaymentStatus.SUCCESS).providerReference("PAY2").payer("066999999")
                .fees(new BigDecimal("10")).operator("AIRTEL_MONEY").build();

        Payment after = StateRules.apply(current, false, u, NOW).after();

        assertThat(after.providerReference()).isEqualTo("PAY1");
        assertThat(after.payer()).isEqualTo("077000001");
        // fees and operator: the provider's latest word wins
        assertThat(after.fees()).isEqualByComparingTo("10");
        assertThat(after.operator()).isEqualTo("AIRTEL_MONEY");
    }

    @Test
    void finalUpdateCarriesItsFlags() {
        Payment current = payment(PaymentStatus.PENDING, new BigDecimal("500"), Set.of(Flag.UNREGISTERED), null,
                List.of());
        PaymentUpdate u = update(PaymentStatus.SUCCESS).flags(Set.of(Flag.CALLBACK_MISMATCH)).build();

        StateRules.Transition t = StateRules.apply(current, false, u, NOW);

        assertThat(t.after().flags()).containsExactlyInAnyOrder(Flag.UNREGISTERED, Flag.CALLBACK_MISMATCH);
    }

    @Test
    void amountMismatchFlagFromUpdateIsCarried() {
        PaymentUpdate u = update(PaymentStatus.SUCCESS).amount(new BigDecimal("500"))
                .flags(Set.of(Flag.AMOUNT_MISMATCH)).build();

        StateRules.Transition t = StateRules.apply(pending(), false, u, NOW);

        assertThat(t.after().status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(t.after().flags()).containsExactly(Flag.AMOUNT_MISMATCH);
    }

    @Test
    void uncertainToSuccessIsAllowedAndFinalizes() {
        StateRules.Transition t = StateRules.apply(uncertain(), false, update(PaymentStatus.SUCCESS).build(), NOW);

        assertThat(t.finalized()).isTrue();
        assertThat(t.conflict()).isFalse();
        assertThat(t.after().status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(t.after().finalizedAt()).isEqualTo(NOW);
        assertThat(t.newEntries()).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(PaymentStatus.SUCCESS));
    }

    @Test
    void pendingToUncertainRecordsEntryButIsNotFinal() {
        PaymentUpdate u = PaymentUpdate.builder("mypvit", PaymentStatus.UNCERTAIN, Source.STATUS_CHECK)
                .merchantReference("ORDER42").statusReason("deadline passed").build();

        StateRules.Transition t = StateRules.apply(pending(), false, u, NOW);

        assertThat(t.finalized()).isFalse();
        assertThat(t.changed()).isTrue();
        assertThat(t.after().status()).isEqualTo(PaymentStatus.UNCERTAIN);
        assertThat(t.after().finalizedAt()).isNull();
        assertThat(t.newEntries()).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(PaymentStatus.UNCERTAIN);
            assertThat(e.source()).isEqualTo(Source.STATUS_CHECK);
        });
    }

    @Test
    void pendingUpdateOnUncertainKeepsUncertain() {
        StateRules.Transition t = StateRules.apply(uncertain(), false, update(PaymentStatus.PENDING).build(), NOW);

        assertThat(t.after().status()).isEqualTo(PaymentStatus.UNCERTAIN);
        assertThat(t.newEntries()).isEmpty();
        assertThat(t.finalized()).isFalse();
        assertThat(t.conflict()).isFalse();
    }

    @Test
    void latePendingAfterSuccessChangesNothing() {
        Payment current = finalPayment(PaymentStatus.SUCCESS);

        StateRules.Transition t = StateRules.apply(current, false,
                update(PaymentStatus.PENDING).providerReference("PAY9").fees(new BigDecimal("99")).build(), NOW);

        assertThat(t.changed()).isFalse();
        assertThat(t.after()).isEqualTo(current);
        assertThat(t.newEntries()).isEmpty();
        assertThat(t.finalized()).isFalse();
        assertThat(t.conflict()).isFalse();
    }

    @Test
    void lateUncertainAfterSuccessChangesNothing() {
        Payment current = finalPayment(PaymentStatus.SUCCESS);

        StateRules.Transition t = StateRules.apply(current, false, update(PaymentStatus.UNCERTAIN).build(), NOW);

        assertThat(t.changed()).isFalse();
        assertThat(t.after()).isEqualTo(current);
        assertThat(t.finalized()).isFalse();
        assertThat(t.conflict()).isFalse();
    }

    @Test
    void sameFinalRepeatedIsNeverReemitted() {
        Payment current = finalPayment(PaymentStatus.SUCCESS);

        StateRules.Transition t = StateRules.apply(current, false, update(PaymentStatus.SUCCESS).build(), NOW);

        assertThat(t.changed()).isFalse();
        assertThat(t.after()).isEqualTo(current);
        assertThat(t.finalized()).isFalse();
        assertThat(t.conflict()).isFalse();
    }

    @Test
    void differentFinalAfterFinalKeepsStatusAndFlagsConflict() {
        Payment current = finalPayment(PaymentStatus.SUCCESS);

        StateRules.Transition t = StateRules.apply(current, false,
                update(PaymentStatus.FAILED).statusReason("reversed").build(), NOW);

        assertThat(t.conflict()).isTrue();
        assertThat(t.finalized()).isFalse();
        assertThat(t.changed()).isTrue();
        assertThat(t.after().status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(t.after().flags()).containsExactly(Flag.CONFLICT);
        assertThat(t.after().statusReason()).isEqualTo(current.statusReason());
        assertThat(t.newEntries()).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(PaymentStatus.SUCCESS);
            assertThat(e.source()).isEqualTo(Source.CALLBACK);
            assertThat(e.detail()).contains("FAILED");
        });
    }

    @Test
    void conflictKeepsExistingFlags() {
        Payment current = payment(PaymentStatus.SUCCESS, new BigDecimal("500"), Set.of(Flag.AMOUNT_MISMATCH),
                FINALIZED, List.of());

        StateRules.Transition t = StateRules.apply(current, false, update(PaymentStatus.CANCELLED).build(), NOW);

        assertThat(t.after().flags()).containsExactlyInAnyOrder(Flag.AMOUNT_MISMATCH, Flag.CONFLICT);
    }

    @Test
    void secondDifferentFinalWhenAlreadyConflictedAddsNoEntryButReportsConflict() {
        Payment current = payment(PaymentStatus.SUCCESS, new BigDecimal("500"), Set.of(Flag.CONFLICT), FINALIZED,
                List.of());

        StateRules.Transition t = StateRules.apply(current, false, update(PaymentStatus.CANCELLED).build(), NOW);

        assertThat(t.conflict()).isTrue();
        assertThat(t.changed()).isFalse();
        assertThat(t.newEntries()).isEmpty();
        assertThat(t.finalized()).isFalse();
        assertThat(t.after()).isEqualTo(current);
    }

    @Test
    void differentAmountOnFinalFlagsAmountMismatchAndKeepsStoredAmount() {
        PaymentUpdate u = update(PaymentStatus.SUCCESS).amount(new BigDecimal("450")).build();

        StateRules.Transition t = StateRules.apply(pending(), false, u, NOW);

        assertThat(t.after().flags()).containsExactly(Flag.AMOUNT_MISMATCH);
        assertThat(t.after().amount()).isEqualByComparingTo("500");
        assertThat(t.after().status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(t.newEntries()).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("450").contains("500"));
    }

    @Test
    void equalAmountWithDifferentScaleIsNoMismatch() {
        PaymentUpdate u = update(PaymentStatus.SUCCESS).amount(new BigDecimal("500.00")).build();

        StateRules.Transition t = StateRules.apply(pending(), false, u, NOW);

        assertThat(t.after().flags()).doesNotContain(Flag.AMOUNT_MISMATCH);
        assertThat(t.after().amount()).isEqualTo(new BigDecimal("500"));
    }

    @Test
    void pendingUpdateOnPendingFillsMissingFieldsWithoutHistory() {
        Payment current = pending();
        PaymentUpdate u = update(PaymentStatus.PENDING).providerReference("PAY2802").payer("077000001")
                .operator("AIRTEL_MONEY").fees(new BigDecimal("10")).build();

        StateRules.Transition t = StateRules.apply(current, false, u, NOW);

        assertThat(t.newEntries()).isEmpty();
        assertThat(t.finalized()).isFalse();
        assertThat(t.conflict()).isFalse();
        Payment after = t.after();
        assertThat(after.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(after.providerReference()).isEqualTo("PAY2802");
        assertThat(after.payer()).isEqualTo("077000001");
        assertThat(after.operator()).isEqualTo("AIRTEL_MONEY");
        assertThat(after.fees()).isEqualByComparingTo("10");
        assertThat(after.finalizedAt()).isNull();
        assertThat(after.history()).isEqualTo(current.history());
        // the caller writes back when after differs from current
        assertThat(after).isNotEqualTo(current);
    }

    @Test
    void finalizedAtIsKeptOnConflict() {
        Payment current = finalPayment(PaymentStatus.SUCCESS);

        StateRules.Transition t = StateRules.apply(current, false, update(PaymentStatus.FAILED).build(), NOW);

        assertThat(t.after().finalizedAt()).isEqualTo(FINALIZED);
        assertThat(t.after().updatedAt()).isEqualTo(NOW);
    }
}
