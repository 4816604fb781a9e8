package io.paysync.provider;

import java.time.Duration;

import io.paysync.payment.Payment;
import io.paysync.payment.PaymentUpdate;

/**
 * Asks a provider for the truth about one payment (its Check Status API). The answer is mapped
 * with the same status vocabulary as the provider's callbacks and enters the same pipeline.
 *
 * <p>One implementation per provider package, a Spring bean named {@code <provider>StatusClient}.
 * It never throws for provider trouble (network, timeouts, 5xx, refusals): that is an
 * {@link StatusAnswer.Unavailable}, and the payment stays due for reconciliation. (Should one throw
 * anyway, the reconciliation's per-provider guard turns it into an Unavailable answer.)
 */
public interface StatusClient {

    /** The provider's name, as in {@link CallbackMapper#provider()}. */
    String provider();

    /** Asks for the payment's status. */
    StatusAnswer check(Payment payment);

    /**
     * The earliest a first check makes sense after a payment is created, when
     * {@code paysync.providers.<p>.first-check-after} is not configured (EllyPay refuses checks
     * in the first 2 minutes).
     */
    default Duration earliestFirstCheck() {
        return Duration.ZERO;
    }

    /** What a status check found out. */
    sealed interface StatusAnswer {

        /**
         * The provider answered: {@code update} carries its status (PENDING when still pending),
         * with {@code Source.STATUS_CHECK} and {@code Match.MERCHANT_REFERENCE} on the payment's
         * merchant reference; {@code raw} is the response body as received, for the record.
         */
        record Known(PaymentUpdate update, String raw) implements StatusAnswer {
        }

        /** No answer to rely on (network, timeout, 5xx, provider refusal): check again later. */
        record Unavailable(String reason) implements StatusAnswer {
        }

        /**
         * The provider was not asked: paysync already runs as many checks of it as it allows (a slow
         * provider). Not an attempt; the payment is checked again shortly.
         */
        record Busy(String reason) implements StatusAnswer {
        }
    }
}
