package io.paysync.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payment JSON of CONTRACT §3 (query API) and the {@code payment.finalized} event of §4.
 * Built as ordered maps so that the field order is the documented one; amounts are exact
 * decimals without trailing zeros, timestamps ISO-8601 UTC.
 */
public final class PaymentJson {

    public static final String EVENT_TYPE = "payment.finalized";

    private PaymentJson() {
    }

    /** The payment with its history. */
    public static Map<String, Object> of(Payment payment) {
        Map<String, Object> json = fields(payment);
        json.put("history", payment.history().stream().map(PaymentJson::entry).toList());
        return json;
    }

    /** The payment without its history (list pages). */
    public static Map<String, Object> summary(Payment payment) {
        return fields(payment);
    }

    /** The downstream event: the payment without history, plus eventId and type. */
    public static Map<String, Object> event(Payment payment) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", payment.eventId());
        json.put("type", EVENT_TYPE);
        json.putAll(fields(payment));
        return json;
    }

    private static Map<String, Object> fields(Payment p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("provider", p.provider());
        json.put("merchantReference", p.merchantReference());
        json.put("providerReference", p.providerReference());
        json.put("status", p.status().name());
        json.put("amount", plain(p.amount()));
        json.put("currency", p.currency());
        json.put("fees", plain(p.fees()));
        json.put("payer", p.payer());
        json.put("operator", p.operator());
        json.put("statusReason", p.statusReason());
        json.put("flags", p.flags().stream().map(Enum::name).sorted().toList());
        json.put("virtualAccount", p.virtualAccount());
        json.put("customerId", p.customerId());
        json.put("createdAt", text(p.createdAt()));
        json.put("updatedAt", text(p.updatedAt()));
        json.put("finalizedAt", text(p.finalizedAt()));
        return json;
    }

    private static Map<String, Object> entry(HistoryEntry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", entry.status().name());
        json.put("source", entry.source().name());
        json.put("at", text(entry.at()));
        json.put("detail", entry.detail());
        return json;
    }

    private static BigDecimal plain(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
