package io.paysync.provider;

import java.util.Objects;

import io.paysync.payment.PaymentUpdate;

/**
 * A callback understood: the canonical update it carries, the acknowledgement to send, and,
 * for providers that mark repeats themselves, the key that identifies a repeat and its answer.
 *
 * @param update       the update, or null for a request that carries none (CinetPay's GET ping)
 * @param deliveryKey  the provider's id of this delivery (VirtualPay: transaction_reference), or null
 * @param duplicateAck the answer to a repeat of {@code deliveryKey}
 */
public record MappedCallback(PaymentUpdate update, Ack ack, String deliveryKey, Ack duplicateAck) {

    public MappedCallback {
        Objects.requireNonNull(ack, "ack");
        if (deliveryKey != null) {
            Objects.requireNonNull(duplicateAck, "duplicateAck");
        }
    }

    public static MappedCallback of(PaymentUpdate update, Ack ack) {
        return new MappedCallback(Objects.requireNonNull(update, "update"), ack, null, null);
    }

    /** A request that is answered but carries nothing to record (an availability ping). */
    public static MappedCallback ping(Ack ack) {
        return new MappedCallback(null, ack, null, null);
    }
}
