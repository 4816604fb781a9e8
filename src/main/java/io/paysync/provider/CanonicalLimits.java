package io.paysync.provider;

import java.math.BigDecimal;

import io.paysync.payment.PaymentUpdate;

/**
 * What a canonical payment can hold, checked on every mapped callback before it is recorded: a
 * value that could not be stored must be refused (400) while the provider is still listening,
 * never acknowledged and then lost in the pipeline. The mappers read most fields within these
 * limits already, naming the provider's field; this is the net under every canonical field,
 * however a mapper built it (VirtualPay's status reason joins two fields).
 */
final class CanonicalLimits {

    /** NUMERIC(19, 4): 15 digits before the point, 4 after. */
    static final int MAX_INTEGER_DIGITS = 15;
    static final int MAX_DECIMALS = 4;

    private CanonicalLimits() {
    }

    static void check(PaymentUpdate update) {
        amount("amount", update.amount());
        amount("fees", update.fees());
        CallbackFields.bounded("currency", update.currency(), 8);
        CallbackFields.bounded("payer", update.payer(), 64);
        CallbackFields.bounded("operator", update.operator(), 64);
        CallbackFields.bounded("statusReason", update.statusReason(), 500);
        CallbackFields.bounded("virtualAccount", update.virtualAccount(), 64);
        CallbackFields.bounded("customerId", update.customerId(), 100);
    }

    private static void amount(String field, BigDecimal value) {
        if (value != null) {
            CallbackFields.amount(field, value);
        }
    }
}
