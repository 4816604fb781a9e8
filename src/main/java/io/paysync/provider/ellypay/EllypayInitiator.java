package io.paysync.provider.ellypay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.payment.PaymentStatus;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.HmacSha256;
import io.paysync.provider.Initiation;
import io.paysync.provider.InitiationRequest;
import io.paysync.provider.Initiator;
import io.paysync.provider.ProviderHttp;
import io.paysync.provider.ProviderHttp.NoAnswer;
import io.paysync.provider.ProviderHttp.Response;
import io.paysync.provider.ProviderHttp.Setting;
import io.paysync.provider.ProviderHttp.Wording;
import io.paysync.system.PaysyncProperties;
import io.paysync.system.Problem.FieldError;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * EllyPay initiation, in two steps (PROVIDERS.md §3.2, §3.5): account validation, then payment
 * confirmation.
 * <ul>
 * <li>gen-1: {@code POST /merchant/validate-account} {@code {agent_reference, account_number, product_code,
 * amount, extra_params}} → {@code validation_reference}; then {@code POST /merchant/process-payment}
 * {@code {validation_reference, pin}} with {@code pin = upper(hex(sha1(PIN)))}, answered 202 with the
 * transaction ({@code internal_reference}, {@code status}).</li>
 * <li>gen-2: validation {@code {merchant_reference, account_number, service_code, currency, amount,
 * additional_params}} → {@code internal_reference}; confirmation {@code {internal_reference}} (plus the
 * hashed {@code pin} when one is configured: whether gen-2 needs it is not documented). Its paths are not
 * in the documents consulted: {@code validate-path} and {@code confirm-path} must be configured.</li>
 * </ul>
 * Requests carry {@code ApiKey}, {@code SecretKey} and the timestamped {@code Signature} of the v2
 * authentication (§3.1; its fourth header is not documented), and the gen-2 {@code public-key} and
 * {@code x-api-version} headers of the status API.
 *
 * <p>A validation step cannot charge the customer: any failure there leaves nothing to reconcile. A
 * confirmation that times out may have been taken, and is reconciled.
 */
@Component("ellypayInitiator")
class EllypayInitiator implements Initiator {

    static final String PRODUCT_CODE = "productCode";
    static final String EXTRA_PARAMS = "extraParams";
    private static final Wording WORDING = Wording.talkingTo("EllyPay");
    private static final String INVALID_BASE_URL = EllypayProperties.BASE_URL + " is not an http(s) URL";

    private final EllypayProperties properties;
    private final Clock clock;
    private final ProviderHttp http;

    @Autowired
    EllypayInitiator(PaysyncProperties paysync, EllypayProperties properties, Clock clock) {
        this(paysync.provider(EllypayCallbackMapper.PROVIDER).baseUrl(), properties, clock);
    }

    EllypayInitiator(String baseUrl, EllypayProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.http = new ProviderHttp(baseUrl, properties.timeout());
    }

    @Override
    public String provider() {
        return EllypayCallbackMapper.PROVIDER;
    }

    @Override
    public Set<String> extras() {
        return Set.of(PRODUCT_CODE, EXTRA_PARAMS);
    }

    @Override
    public void validate(InitiationRequest request, List<FieldError> errors) {
        int length = request.merchantReference().length();
        if (gen1() && (length < 4 || length > 30)) {
            errors.add(new FieldError("merchantReference", "EllyPay takes agent references of 4 to 30 characters"));
        } else if (!gen1() && length < 8) {
            errors.add(new FieldError("merchantReference", "EllyPay takes merchant references of at least 8 characters"));
        }
        if (gen1() && !EllypayCallbackMapper.GEN1_CURRENCY.equals(request.currency())) {
            errors.add(new FieldError("currency", "EllyPay takes " + EllypayCallbackMapper.GEN1_CURRENCY + " only"));
        }
        if (request.payer() == null) {
            errors.add(new FieldError("payer", "is required: the account number (phone) to validate and charge"));
        }
        String product = request.extra(PRODUCT_CODE);
        if (product == null || product.isEmpty() || product.length() > 64) {
            errors.add(new FieldError(PRODUCT_CODE, "is required: EllyPay's product (gen-1) or service (gen-2) code"));
        }
        JsonNode extra = request.extras().get(EXTRA_PARAMS);
        if (extra != null && !extra.isObject()) {
            errors.add(new FieldError(EXTRA_PARAMS, "must be a JSON object"));
        }
    }

    @Override
    public Initiation initiate(InitiationRequest request) {
        List<String> missing = ProviderHttp.unset(new Setting(EllypayProperties.BASE_URL, http.baseUrl()),
                new Setting(EllypayProperties.API_KEY, properties.apiKey()),
                new Setting(EllypayProperties.SECRET_KEY, properties.secretKey()),
                new Setting(EllypayProperties.VALIDATE_PATH, properties.validatePath()),
                new Setting(EllypayProperties.CONFIRM_PATH, properties.confirmPath()));
        if (gen1() && EllypayProperties.blank(properties.pin())) {
            missing = new ArrayList<>(missing);
            missing.add(EllypayProperties.PIN);
        }
        if (!missing.isEmpty()) {
            return new Initiation.NotConfigured(missing);
        }
        String validation;
        try {
            Response validated = http.send(request(properties.validatePath(), validation(request)), WORDING);
            Initiation refused = refusal(validated, "account validation");
            if (refused != null) {
                return refused;
            }
            JsonNode body = transaction(ProviderHttp.objectOrNull(validated.body()));
            validation = text(body, "validation_reference", "internal_reference");
            if (validation == null) {
                return Initiation.Failed.notAccepted("EllyPay validated the account without a reference");
            }
        } catch (NoAnswer e) {
            return Initiation.Failed.beforeCommitting(e);
        }
        try {
            Response confirmed = http.send(request(properties.confirmPath(), confirmation(validation)), WORDING);
            Initiation refused = refusal(confirmed, "payment confirmation");
            return refused != null ? refused : accepted(confirmed);
        } catch (NoAnswer e) {
            return Initiation.Failed.of(e);
        }
    }

    private ObjectNode validation(InitiationRequest request) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        JsonNode extra = request.extras().get(EXTRA_PARAMS);
        if (gen1()) {
            body.put("agent_reference", request.merchantReference())
                    .put("account_number", request.payer())
                    .put("product_code", request.extra(PRODUCT_CODE))
                    .put("amount", request.amount());
            if (extra != null) {
                body.set("extra_params", extra);
            }
        } else {
            body.put("merchant_reference", request.merchantReference())
                    .put("account_number", request.payer())
                    .put("service_code", request.extra(PRODUCT_CODE))
                    .put("currency", request.currency())
                    .put("amount", request.amount());
            if (extra != null) {
                body.set("additional_params", extra);
            }
        }
        return body;
    }

    private ObjectNode confirmation(String validation) {
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put(gen1() ? "validation_reference" : "internal_reference", validation);
        if (!EllypayProperties.blank(properties.pin())) {
            body.put("pin", pinHash(properties.pin()));
        }
        return body;
    }

    private java.net.http.HttpRequest request(String path, ObjectNode body) throws NoAnswer {
        String timestamp = String.valueOf(clock.millis());
        String apiKey = properties.apiKey().strip();
        try {
            return http.postJson(path, INVALID_BASE_URL, body)
                    .header("ApiKey", apiKey)
                    .header("SecretKey", properties.secretKey().strip())
                    .header("Signature", "t=" + timestamp + ",s="
                            + HmacSha256.hex(properties.secretKey().strip(), timestamp + ":" + apiKey))
                    .header("public-key", apiKey)
                    .header("x-api-version", EllypayStatusClient.API_VERSION)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new NoAnswer(EllypayProperties.API_KEY + " or " + EllypayProperties.SECRET_KEY
                    + " is not a valid header value", NoAnswer.Delivery.NOT_SENT);
        }
    }

    /** The refusal a step's answer carries, or null when the step succeeded. */
    private static Initiation refusal(Response response, String step) {
        int status = response.status();
        if (Initiation.Failed.notTaken(status)) {
            return Initiation.Failed.notAccepted("EllyPay " + step + " answered HTTP " + status);
        }
        JsonNode body = ProviderHttp.objectOrNull(response.body());
        String state = text(transaction(body), "transaction_status", "status");
        if (status >= 400 || "FAILED".equalsIgnoreCase(state) || "CANCELLED".equalsIgnoreCase(state)) {
            String code = text(body, "code", "error", "error_code");
            String message = text(transaction(body), "status_message", "message");
            if (message == null) {
                message = text(body, "message");
            }
            return new Initiation.Refused(ProviderHttp.codeLike(code) ? code : "HTTP " + status,
                    message == null ? step + " refused" : ProviderHttp.shortened(message));
        }
        return null;
    }

    private Initiation accepted(Response response) {
        JsonNode transaction = transaction(ProviderHttp.objectOrNull(response.body()));
        try {
            String reference = text(transaction, "internal_reference");
            if (reference == null) {
                return new Initiation.Failed("EllyPay confirmed the payment without an internal_reference", true,
                        false);
            }
            String raw = text(transaction, gen1() ? "status" : "transaction_status");
            PaymentStatus status = raw == null ? PaymentStatus.PENDING
                    : gen1() ? EllypayCallbackMapper.gen1Status(raw.toUpperCase(Locale.ROOT))
                    : EllypayCallbackMapper.gen2Status("transaction_status", raw.toUpperCase(Locale.ROOT));
            String message = text(transaction, "message", "status_message");
            return new Initiation.Accepted(status, CallbackFields.reference("internal_reference", reference), null,
                    null, Map.of(), message == null ? null : ProviderHttp.shortened(message));
        } catch (CallbackRejectedException e) {
            return new Initiation.Failed("unreadable EllyPay answer: " + e.getMessage(), true, false);
        }
    }

    /** The transaction of an answer: its {@code data} object when it has one, else the answer itself. */
    private static JsonNode transaction(JsonNode body) {
        if (body == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        return body.path("data").isObject() ? body.get("data") : body;
    }

    private static String text(JsonNode body, String... names) {
        if (body == null) {
            return null;
        }
        for (String name : names) {
            JsonNode value = body.get(name);
            if (value != null && (value.isTextual() || value.isNumber()) && !value.asText().isBlank()) {
                return value.asText();
            }
        }
        return null;
    }

    private boolean gen1() {
        return properties.generation() == 1;
    }

    /** {@code strtoupper(sha1(PIN))}: SHA-1 of the PIN's UTF-8 bytes, upper-case hex (§3.2). */
    static String pinHash(String pin) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(pin.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }
}
