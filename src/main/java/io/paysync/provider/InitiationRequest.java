package io.paysync.provider;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated {@code POST /api/payments} request (CONTRACT §5): the common fields, and the
 * provider's own ones ({@link Initiator#extras()}) as sent.
 *
 * @param payer       the customer's account or MSISDN, or null
 * @param description free text, or null
 * @param extras      the provider's fields, only those its initiator declares
 */
public record InitiationRequest(String provider, String merchantReference, BigDecimal amount, String currency,
        String payer, String description, ObjectNode extras) {

    /** A provider field as text, or null when absent or not a string. */
    public String extra(String name) {
        JsonNode value = extras.get(name);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    /** A provider field as text, or {@code fallback} when absent. */
    public String extra(String name, String fallback) {
        String value = extra(name);
        return value == null ? fallback : value;
    }
}
