package io.paysync.provider;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.paysync.payment.PaymentStatus;
import io.paysync.provider.ProviderHttp.NoAnswer;

/**
 * What a provider answered to a payment initiation ({@link Initiator#initiate}), and so what
 * becomes of the payment paysync reserved for it.
 */
public sealed interface Initiation {

    /**
     * The provider took the payment: it stays (or, rarely, is at once) {@code status}.
     *
     * @param providerReference the provider's reference, by which callbacks and status checks find it
     * @param virtualAccount    the account the customer pays into (VirtualPay), or null
     * @param customerId        the provider's customer id (VirtualPay), or null
     * @param instructions      what the merchant shows the customer (a payment URL, an account number…)
     * @param statusReason      the provider's message, or null
     */
    record Accepted(PaymentStatus status, String providerReference, String virtualAccount, String customerId,
            Map<String, Object> instructions, String statusReason) implements Initiation {

        public Accepted {
            Map<String, Object> present = new LinkedHashMap<>();
            if (instructions != null) {
                instructions.forEach((name, value) -> {
                    if (value != null) {
                        present.put(name, value);
                    }
                });
            }
            instructions = Collections.unmodifiableMap(present);
        }
    }

    /** The provider refused the payment outright: it is FAILED, with the provider's code and message. */
    record Refused(String code, String message) implements Initiation {
    }

    /** paysync lacks the provider settings this needs: nothing was sent. */
    record NotConfigured(List<String> missing) implements Initiation {
    }

    /**
     * No usable answer. When {@code maybeAccepted}, the provider may have taken the payment (the
     * request went out and the answer was lost): it stays PENDING and is reconciled. Otherwise it
     * certainly did not, and nothing is kept.
     */
    record Failed(String reason, boolean maybeAccepted, boolean timedOut) implements Initiation {

        /**
         * True for an HTTP status by which a provider says it did not take the request: a server error
         * (paysync keeps nothing, and the merchant may repeat the request — providers reject a repeated
         * reference should they have taken it after all), a refused login (401, 403), an unknown path
         * (404), throttling (429), or no final answer (1xx, 3xx: redirects are not followed).
         */
        public static boolean notTaken(int httpStatus) {
            return httpStatus >= 500 || httpStatus < 200 || (httpStatus >= 300 && httpStatus < 400)
                    || httpStatus == 401 || httpStatus == 403 || httpStatus == 404 || httpStatus == 429;
        }

        /** A transport failure: the provider may have taken the payment unless the request never left. */
        public static Failed of(NoAnswer e) {
            return new Failed(e.getMessage(), e.delivery() != NoAnswer.Delivery.NOT_SENT,
                    e.delivery() == NoAnswer.Delivery.TIMED_OUT);
        }

        /** A failure before the provider could have taken anything (a preliminary step, a refused login…). */
        public static Failed notAccepted(String reason) {
            return new Failed(reason, false, false);
        }

        /**
         * A transport failure of a call that cannot commit the customer (a preliminary step): the
         * provider certainly did not take the payment.
         */
        public static Failed beforeCommitting(NoAnswer e) {
            return new Failed(e.getMessage(), false, e.delivery() == NoAnswer.Delivery.TIMED_OUT);
        }
    }
}
