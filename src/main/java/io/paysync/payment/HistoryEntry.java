package io.paysync.payment;

import java.time.Instant;

/** One change of a payment, as shown in its history. */
public record HistoryEntry(PaymentStatus status, Source source, Instant at, String detail) {
}
