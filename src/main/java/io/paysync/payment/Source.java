package io.paysync.payment;

/** Where a payment change came from. */
public enum Source {
    API,
    CALLBACK,
    STATUS_CHECK
}
