package io.paysync.payment;

/** Flags a payment can carry for a human to look at (CONTRACT §3). */
public enum Flag {
    /** A different final status arrived after the final one; the first one stands. */
    CONFLICT,
    /** A callback for a payment paysync did not know (MVola: unknown serverCorrelationId). */
    UNREGISTERED,
    /** The amount paid differs from the amount expected (VirtualPay "Amount Mismatch"). */
    AMOUNT_MISMATCH,
    /** The status API contradicted a callback; the API wins. */
    CALLBACK_MISMATCH
}
