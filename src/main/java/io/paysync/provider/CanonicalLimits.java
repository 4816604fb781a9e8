package io.paysync.provider;

import java.math.BigDecimal;

import io.paysync.payment.PaymentUpdate;

/**
 * What a canonical payment can hold, checked on every mapped callback before it is recorded: a
 * value that could not be stored must be refused (400) while the provider is still listening,
 * never acknowledged and then lost in the pipeline.
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
        length("currency", update.currency(), 8);
        length("payer", update.payer(), 64);
        length("operator", update.operator(), 64);
        length("statusReason", update.statusReason(), 500);
        length("virtualAccount", update.virtualAccount(), 64);
        length("customerId", update.customerId(), 100);
    }

    private static void amount(String field, BigDecimal value) {
        if (value == null) {
            return;
        }
        if (value.signum() < 0) {
            throw CallbackRejectedException.badRequest(field + " must not be negative");
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.precision() - stripped.scale() > MAX_INTEGER_DIGITS) {
            throw CallbackRejectedException.badRequest(field + " must have at most " + MAX_INTEGER_DIGITS
                    + " digits before the decimal point");
        }
        if (stripped.scale() > MAX_DECIMALS) {
            throw CallbackRejectedException.badRequest(field + " must have at most " + MAX_DECIMALS + " decimals");
        }
    }

    private static void length(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw CallbackRejectedException.badRequest(field + " must be at most " + max + " characters, got "
                    + value.length());
        }
    }
}
