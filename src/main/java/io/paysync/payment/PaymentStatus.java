package io.paysync.payment;

/** The canonical payment states (CONTRACT §3). */
public enum PaymentStatus {
    PENDING,
    /** The gateway stopped polling without a final answer; not final, still settles later. */
    UNCERTAIN,
    SUCCESS,
    FAILED,
    CANCELLED;

    public boolean isFinal() {
        return this == SUCCESS || this == FAILED || this == CANCELLED;
    }
}
