package io.paysync.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.paysync.payment.Flag;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentJson;
import io.paysync.payment.PaymentRepository;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentTracker;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.Providers;
import io.paysync.system.Problem.FieldError;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.springframework.stereotype.Component;

/**
 * The payment calls of the merchant API (CONTRACT §5): read one, list, track.
 *
 * <p>Path and query values are read from the request itself, not from message headers, which
 * a caller could fill with headers of the same name.
 */
@Component("paymentApi")
class PaymentApi {

    static final String BASE = "/api/payments";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private final PaymentRepository payments;
    private final PaymentTracker tracker;
    private final Providers providers;
    private final ApiReplies replies;
    private final ObjectReader bodies;

    PaymentApi(PaymentRepository payments, PaymentTracker tracker, Providers providers, ApiReplies replies,
            ObjectMapper json) {
        this.payments = payments;
        this.tracker = tracker;
        this.providers = providers;
        this.replies = replies;
        this.bodies = bodyReader(json);
    }

    /**
     * {@code GET /api/payments/{provider}/{merchantReference}}: also under the form the provider reports
     * the reference in (MyPVit: {@code ORDER-42} finds {@code ORDER42}, see {@link PaymentTracker#find}).
     */
    public void get(Exchange exchange) {
        String[] id = pathIdentity(exchange);
        Payment payment = tracker.find(id[0], id[1]).orElseThrow(() -> new ApiProblemException(404,
                "no " + id[0] + " payment with merchantReference " + id[1]));
        replies.json(exchange, 200, PaymentJson.of(payment), Map.of());
    }

    /** {@code PUT /api/payments/{provider}/{merchantReference}}: 201 when registered, 200 when known. */
    public void track(Exchange exchange) {
        String[] id = pathIdentity(exchange);
        JsonNode body = jsonBody(exchange, bodies);
        List<FieldError> errors = new ArrayList<>();
        if (!providers.enabled(id[0])) {
            // neither its callbacks nor its status checks would ever settle it
            errors.add(disabled(id[0]));
        }
        BigDecimal amount = amount(body, errors);
        String currency = text(body, "currency", errors);
        if (currency == null) {
            errors.add(new FieldError("currency", "is required"));
        } else if (!CURRENCY.matcher(currency).matches()) {
            errors.add(new FieldError("currency", "must be an ISO 4217 code such as XAF"));
        }
        String providerReference = reference("providerReference", text(body, "providerReference", errors), errors);
        String payer = text(body, "payer", errors);
        if (payer != null && (payer.isEmpty() || payer.length() > 64 || !printable(payer))) {
            errors.add(new FieldError("payer", "must be 1 to 64 printable ASCII characters"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblemException.invalid(errors);
        }
        PaymentTracker.Tracked tracked;
        try {
            tracked = tracker.track(new PaymentTracker.Request(id[0], id[1], providerReference, amount, currency, payer));
        } catch (PaymentTracker.ConflictException e) {
            throw new ApiProblemException(409, e.getMessage());
        }
        Map<String, String> headers = tracked.created()
                ? Map.of("Location", BASE + "/" + id[0] + "/" + encode(id[1])) : Map.of();
        replies.json(exchange, tracked.created() ? 201 : 200, PaymentJson.of(tracked.payment()), headers);
    }

    /** The field error of a provider switched off (a payment of it would never be settled). */
    static FieldError disabled(String provider) {
        return new FieldError("provider", "is disabled (paysync.providers." + provider + ".enabled=false)");
    }

    /** {@code GET /api/payments?provider=&status=&flag=&limit=&after=}: newest first. */
    public void list(Exchange exchange) {
        Map<String, String> query = query(exchange);
        List<FieldError> errors = new ArrayList<>();
        String provider = query.get("provider");
        if (provider != null && providers.mapper(provider).isEmpty()) {
            errors.add(new FieldError("provider", "must be one of " + providers.names()));
        }
        PaymentStatus status = enumValue(PaymentStatus.class, "status", query.get("status"), errors);
        Flag flag = enumValue(Flag.class, "flag", query.get("flag"), errors);
        Long limit = whole("limit", query.get("limit"), 1, MAX_LIMIT, errors);
        Long after = whole("after", query.get("after"), 1, Long.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw ApiProblemException.invalid(errors);
        }
        int size = limit == null ? DEFAULT_LIMIT : limit.intValue();
        List<Payment> page = payments.list(new PaymentRepository.Filter(provider, status, flag, after, size));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().map(PaymentJson::summary).toList());
        body.put("limit", size);
        body.put("next", page.size() == size ? String.valueOf(page.get(page.size() - 1).id()) : null);
        replies.json(exchange, 200, body, Map.of());
    }

    public void methodNotAllowed(Exchange exchange) {
        throw new ApiProblemException(405, "method " + exchange.getMessage().getHeader(Exchange.HTTP_METHOD)
                + " is not supported here");
    }

    /** {provider, merchantReference} from {@code /api/payments/{provider}/{merchantReference}}. */
    private String[] pathIdentity(Exchange exchange) {
        String path = rawPath(exchange);
        String rest = path.startsWith(BASE + "/") ? path.substring(BASE.length() + 1) : "";
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new ApiProblemException(404, "no such resource");
        }
        String provider = decode(rest.substring(0, slash));
        String reference = decode(rest.substring(slash + 1));
        if (providers.mapper(provider).isEmpty()) {
            throw new ApiProblemException(404, "unknown provider '" + provider + "'; known: " + providers.names());
        }
        List<FieldError> errors = new ArrayList<>();
        reference("merchantReference", reference, errors);
        if (!errors.isEmpty()) {
            throw ApiProblemException.invalid(errors);
        }
        return new String[] {provider, reference};
    }

    static String rawPath(Exchange exchange) {
        if (exchange.getMessage() instanceof HttpMessage http) {
            return http.getRequest().path();
        }
        return exchange.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class);
    }

    static Map<String, String> query(Exchange exchange) {
        String raw = exchange.getMessage() instanceof HttpMessage http ? http.getRequest().query()
                : exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (!value.isEmpty()) {
                    query.putIfAbsent(name, value);
                }
            }
        }
        return query;
    }

    /**
     * How request bodies are read: floats as {@link BigDecimal}, exactly as written ({@code 500.00} stays
     * {@code 500.00}; never through a double, which holds about 16 digits and no {@code 1e400}).
     */
    static ObjectReader bodyReader(ObjectMapper json) {
        return json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /**
     * The request's JSON object body (read by {@link #bodyReader}): 415 unless {@code application/json},
     * 400 unless an object.
     */
    static JsonNode jsonBody(Exchange exchange, ObjectReader reader) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiProblemException(415, "content type must be application/json");
        }
        String text = exchange.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            throw new ApiProblemException(400, "empty body; a JSON object is expected");
        }
        try (JsonParser parser = reader.createParser(text)) {
            JsonNode node;
            try {
                node = reader.readTree(parser);
            } catch (NumberFormatException e) {
                // an exponent BigDecimal cannot hold (1e2147483648): Jackson lets it through unwrapped
                String field = parser.getParsingContext().pathAsPointer().toString();
                if (field.isEmpty()) {
                    throw new ApiProblemException(400, "a JSON object is expected");
                }
                throw ApiProblemException.invalid(List.of(new FieldError(field.substring(1),
                        "is a number out of range")));
            }
            if (node == null || !node.isObject()) {
                throw new ApiProblemException(400, "a JSON object is expected");
            }
            return node;
        } catch (JacksonException e) {
            throw new ApiProblemException(400, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BigDecimal amount(JsonNode body, List<FieldError> errors) {
        JsonNode node = body.get("amount");
        if (node == null || node.isNull()) {
            errors.add(new FieldError("amount", "is required"));
            return null;
        }
        if (!node.isNumber()) {
            errors.add(new FieldError("amount", "must be a JSON number"));
            return null;
        }
        BigDecimal amount = node.decimalValue();
        // in long: 1e2147483647 has more digits before the point than an int counts
        long digits = (long) amount.precision() - amount.scale();
        if (amount.signum() <= 0) {
            errors.add(new FieldError("amount", "must be greater than 0"));
        } else if (amount.stripTrailingZeros().scale() > 4 || digits > 15) {
            errors.add(new FieldError("amount", "must have at most 15 digits and 4 decimals"));
        }
        return amount;
    }

    /**
     * A string field; null when absent or JSON null. An empty string is returned as it is, for the
     * field's own check to refuse: present but empty is never taken for absent.
     */
    static String text(JsonNode body, String field, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        return node.asText();
    }

    /** A reference (CONTRACT §3: 1 to 100 printable ASCII characters); null when absent or refused. */
    static String reference(String field, String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            return CallbackFields.reference(field, value);
        } catch (CallbackRejectedException e) {
            errors.add(new FieldError(field, "must be 1 to " + CallbackFields.MAX_REFERENCE_LENGTH
                    + " printable ASCII characters without spaces"));
            return null;
        }
    }

    static boolean printable(String value) {
        return value.chars().allMatch(c -> c >= '!' && c <= '~');
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String field, String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, "must be one of " + Arrays.toString(type.getEnumConstants())));
            return null;
        }
    }

    /** A whole number query value from min to max; null when absent or refused. */
    static Long whole(String field, String value, long min, long max, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(field, "must be a whole number from " + min + " to " + max));
        return null;
    }

    static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
