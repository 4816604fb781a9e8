package io.paysync.provider;

import java.math.BigDecimal;
import java.util.List;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reading callback fields with precise refusals: every problem becomes a 400 that names the
 * field, never a 500.
 */
public final class CallbackFields {

    /** References are 1–100 printable ASCII characters (CONTRACT §3). */
    public static final int MAX_REFERENCE_LENGTH = 100;

    /**
     * JSON from outside (callbacks, provider answers) is read with limits well below anything a
     * provider sends: nesting depth, string and number lengths; a key given twice is refused (which
     * value would count?).
     * Floats are read as BigDecimal. No polymorphic typing is ever enabled.
     */
    private static final ObjectMapper CALLBACK_JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(16)
                            .maxStringLength(16 * 1024)
                            .maxNumberLength(40)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private CallbackFields() {
    }

    /**
     * Parses JSON with the callback limits, which provider answers are read with too (see
     * {@link ProviderHttp}).
     *
     * @return the tree; a missing node when {@code json} holds no value
     * @throws JacksonException when it is not JSON or breaks a limit (a duplicate key included)
     */
    public static JsonNode parse(String json) throws JacksonException {
        return CALLBACK_JSON.readTree(json);
    }

    /** Parses a JSON object body with the callback limits. */
    public static JsonNode object(RawCallback callback) {
        if (!callback.hasBody()) {
            throw CallbackRejectedException.badRequest("empty body; a JSON object is expected");
        }
        return object(callback.body());
    }

    /** Parses a JSON object with the callback limits, refusing as for a callback body. */
    static JsonNode object(String body) {
        if (body == null || body.isEmpty()) {
            throw CallbackRejectedException.badRequest("empty body; a JSON object is expected");
        }
        JsonNode node;
        try {
            node = parse(body);
        } catch (JacksonException e) {
            throw CallbackRejectedException.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw CallbackRejectedException.badRequest("a JSON object is expected");
        }
        return node;
    }

    /** The first of {@code names} present (not null), as a JSON node, or null. */
    public static JsonNode node(JsonNode object, String... names) {
        for (String name : names) {
            JsonNode value = object.get(name);
            if (value != null && !value.isNull()) {
                return value;
            }
        }
        return null;
    }

    /** The first of {@code names} present, as text (numbers and booleans as written), or null. */
    public static String text(JsonNode object, String... names) {
        JsonNode value = node(object, names);
        if (value == null) {
            return null;
        }
        if (!value.isValueNode()) {
            throw CallbackRejectedException.badRequest("field " + names[0] + " must be a string");
        }
        String text = value.asText();
        return text.isEmpty() ? null : text;
    }

    /** The first of {@code names} present, which must be a JSON string; null when absent or empty. */
    public static String string(JsonNode object, String... names) {
        JsonNode value = node(object, names);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw CallbackRejectedException.badRequest("field " + names[0] + " must be a string");
        }
        return value.asText().isEmpty() ? null : value.asText();
    }

    /** A JSON string that must be present and not empty (a status, a code). */
    public static String requiredText(JsonNode object, String... names) {
        String value = string(object, names);
        if (value == null) {
            throw missing(names);
        }
        return value;
    }

    /** A JSON number as an exact decimal, or null when absent; a string is refused. */
    public static BigDecimal number(JsonNode object, String... names) {
        JsonNode value = node(object, names);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw CallbackRejectedException.badRequest("field " + names[0] + " must be a JSON number");
        }
        return amount(names[0], value.decimalValue());
    }

    /** A decimal sent as a JSON string (as VirtualPay and MVola do), or null when absent or empty. */
    public static BigDecimal numericString(JsonNode object, String... names) {
        return decimal(names[0], string(object, names));
    }

    /** A JSON number or numeric string as an exact decimal, or null when absent or blank. */
    public static BigDecimal decimal(JsonNode object, String... names) {
        JsonNode value = node(object, names);
        if (value == null) {
            return null;
        }
        if (value.isNumber()) {
            return amount(names[0], value.decimalValue());
        }
        return decimal(names[0], value.isTextual() ? value.asText() : value.toString());
    }

    /** A numeric string as an exact decimal, or null when null or blank. */
    public static BigDecimal decimal(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw CallbackRejectedException.badRequest("field " + field + " is not a number: " + abbreviate(text));
        }
        return amount(field, value);
    }

    /** An amount a payment can hold: not negative, at most 15 digits before the point and 4 after. */
    static BigDecimal amount(String field, BigDecimal value) {
        if (value.signum() < 0) {
            throw CallbackRejectedException.badRequest("field " + field + " must not be negative");
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.precision() - stripped.scale() > CanonicalLimits.MAX_INTEGER_DIGITS) {
            throw CallbackRejectedException.badRequest("field " + field + " must have at most "
                    + CanonicalLimits.MAX_INTEGER_DIGITS + " digits before the decimal point");
        }
        if (stripped.scale() > CanonicalLimits.MAX_DECIMALS) {
            throw CallbackRejectedException.badRequest("field " + field + " must have at most "
                    + CanonicalLimits.MAX_DECIMALS + " decimals");
        }
        return value;
    }

    /**
     * A text field a payment keeps: at most {@code max} characters, no control characters (see
     * {@link #text(JsonNode, String...)} and {@link #bounded}).
     */
    public static String text(JsonNode object, int max, String... names) {
        return bounded(names[0], text(object, names), max);
    }

    /**
     * {@code value} when a payment can keep it as it is: at most {@code max} characters, and no C0
     * control character other than tab, line feed and carriage return. PostgreSQL cannot store NUL
     * (U+0000) in a text column at all, and the other C0 controls (escape sequences, backspaces…) have
     * no place in a status message, a phone number or an operator code. Otherwise a 400 naming the
     * field (and the character, never the value): refused while the provider is still listening,
     * never altered silently.
     */
    public static String bounded(String field, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw CallbackRejectedException.badRequest("field " + field + " must be at most " + max
                    + " characters, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' && c != '\t' && c != '\n' && c != '\r') {
                throw CallbackRejectedException.badRequest("field " + field + " must not contain control characters;"
                        + " character " + (i + 1) + " is U+%04X".formatted((int) c));
            }
        }
        return value;
    }

    /** Checks a reference: 1–100 printable ASCII characters, never altered. */
    public static String reference(String field, String value) {
        if (value == null) {
            throw missing(field);
        }
        if (value.isEmpty() || value.length() > MAX_REFERENCE_LENGTH) {
            throw CallbackRejectedException.badRequest("field " + field + " must be 1 to " + MAX_REFERENCE_LENGTH
                    + " characters, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                throw CallbackRejectedException.badRequest("field " + field
                        + " must be printable ASCII without spaces; character " + (i + 1) + " is not");
            }
        }
        return value;
    }

    /** Refuses a form in which any field is given more than once (it would make signatures ambiguous). */
    public static void singleValued(RawCallback callback) {
        callback.form().forEach((name, values) -> {
            if (values.size() > 1) {
                throw CallbackRejectedException.badRequest("form field " + name + " is given " + values.size()
                        + " times");
            }
        });
    }

    /** A single form field, or null; a field given twice is refused (it would make signatures ambiguous). */
    public static String form(RawCallback callback, String name) {
        List<String> values = callback.form().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw CallbackRejectedException.badRequest("form field " + name + " is given " + values.size() + " times");
        }
        String value = values.get(0);
        return value.isEmpty() ? null : value;
    }

    public static CallbackRejectedException missing(String... names) {
        return CallbackRejectedException.badRequest("missing field " + String.join(" or ", names));
    }

    public static CallbackRejectedException unknownStatus(String field, String value) {
        return CallbackRejectedException.badRequest("unknown " + field + " " + abbreviate(value));
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? "'" + text + "'" : "'" + text.substring(0, 40) + "…'";
    }
}
