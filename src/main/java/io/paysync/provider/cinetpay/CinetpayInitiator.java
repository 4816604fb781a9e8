package io.paysync.provider.cinetpay;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.payment.PaymentStatus;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.CallbackUrls;
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
 * CinetPay hosted-checkout initiation (PROVIDERS.md §2.1): {@code POST {base}/v2/payment} (JSON) with
 * {@code apikey}, {@code site_id}, {@code transaction_id} (the merchant reference), an amount that is a
 * whole multiple of 5, {@code notify_url} = paysync's CinetPay callback URL (with its token),
 * {@code return_url} (the merchant's page) and {@code channels}. The answer {@code code "201"} carries
 * {@code data.payment_url}, where the customer pays, and {@code data.payment_token}, kept as the
 * provider reference; any other code is a refusal.
 */
@Component("cinetpayInitiator")
class CinetpayInitiator implements Initiator {

    static final String PATH = "/v2/payment";
    static final String CREATED = "201";
    static final Set<String> CURRENCIES = Set.of("XOF", "XAF", "CDF", "GNF", "USD");
    static final Set<String> CHANNELS = Set.of("ALL", "MOBILE_MONEY", "CREDIT_CARD", "WALLET");
    static final Set<String> LANGUAGES = Set.of("fr", "en");
    /** Characters CinetPay asks to keep out of descriptions (§2.1). */
    static final Pattern FORBIDDEN_IN_DESCRIPTION = Pattern.compile("[#/$_&]");
    static final String RETURN_URL = "returnUrl";
    static final String CHANNELS_FIELD = "channels";
    static final String LANG = "lang";
    private static final Wording WORDING = Wording.talkingTo("CinetPay");
    private static final String BASE_URL = CinetpayProperties.PREFIX + "base-url";

    private final CinetpayProperties properties;
    private final CallbackUrls callbackUrls;
    private final ProviderHttp http;

    @Autowired
    CinetpayInitiator(PaysyncProperties paysync, CinetpayProperties properties, CallbackUrls callbackUrls) {
        this(paysync.provider(CinetpayCallbackMapper.PROVIDER).baseUrl(), properties, callbackUrls);
    }

    CinetpayInitiator(String baseUrl, CinetpayProperties properties, CallbackUrls callbackUrls) {
        this.properties = properties;
        this.callbackUrls = callbackUrls;
        this.http = new ProviderHttp(baseUrl, properties.timeout());
    }

    @Override
    public String provider() {
        return CinetpayCallbackMapper.PROVIDER;
    }

    @Override
    public Set<String> extras() {
        return Set.of(RETURN_URL, CHANNELS_FIELD, LANG);
    }

    @Override
    public void validate(InitiationRequest request, List<FieldError> errors) {
        if (!CURRENCIES.contains(request.currency())) {
            errors.add(new FieldError("currency", "CinetPay takes " + CURRENCIES.stream().sorted().toList()));
        }
        var amount = request.amount().stripTrailingZeros();
        if (amount.scale() > 0 || amount.remainder(java.math.BigDecimal.valueOf(5)).signum() != 0) {
            errors.add(new FieldError("amount", "CinetPay takes whole amounts that are a multiple of 5"));
        }
        if (request.description() == null) {
            errors.add(new FieldError("description", "is required by CinetPay"));
        } else if (FORBIDDEN_IN_DESCRIPTION.matcher(request.description()).find()) {
            errors.add(new FieldError("description", "CinetPay refuses the characters # / $ _ &"));
        }
        String returnUrl = request.extra(RETURN_URL);
        if (returnUrl == null || !httpUrl(returnUrl)) {
            errors.add(new FieldError(RETURN_URL, "is required: the http(s) page CinetPay sends the customer back to"));
        }
        String channels = request.extra(CHANNELS_FIELD);
        if (request.extras().has(CHANNELS_FIELD) && (channels == null || !CHANNELS.contains(channels))) {
            errors.add(new FieldError(CHANNELS_FIELD, "must be one of " + CHANNELS.stream().sorted().toList()));
        }
        String lang = request.extra(LANG);
        if (request.extras().has(LANG) && (lang == null || !LANGUAGES.contains(lang))) {
            errors.add(new FieldError(LANG, "must be fr or en"));
        }
    }

    @Override
    public Initiation initiate(InitiationRequest request) {
        List<String> missing = ProviderHttp.unset(new Setting(BASE_URL, http.baseUrl()),
                new Setting(CinetpayProperties.APIKEY, properties.apikey()),
                new Setting(CinetpayProperties.SITE_ID, properties.siteId()));
        if (!missing.isEmpty()) {
            return new Initiation.NotConfigured(missing);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("apikey", properties.apikey())
                .put("site_id", properties.siteId())
                .put("transaction_id", request.merchantReference())
                .put("amount", request.amount().stripTrailingZeros().toBigIntegerExact())
                .put("currency", request.currency())
                .put("description", request.description())
                .put("notify_url", callbackUrls.of(CinetpayCallbackMapper.PROVIDER))
                .put("return_url", request.extra(RETURN_URL))
                .put("channels", request.extra(CHANNELS_FIELD, "ALL"))
                .put("lang", request.extra(LANG, "fr"));
        if (request.payer() != null) {
            body.put("customer_phone_number", request.payer());
        }
        try {
            return answer(http.send(http.postJson(PATH, "invalid " + BASE_URL, body).build(), WORDING));
        } catch (NoAnswer e) {
            return Initiation.Failed.of(e);
        }
    }

    private static Initiation answer(Response response) {
        int status = response.status();
        if (Initiation.Failed.notTaken(status)) {
            return Initiation.Failed.notAccepted("CinetPay answered HTTP " + status);
        }
        JsonNode body = ProviderHttp.objectOrNull(response.body());
        String code = body == null ? null : text(body, "code");
        if (body == null || code == null) {
            return response.is2xx()
                    ? new Initiation.Failed("CinetPay answered HTTP " + status + " without a code", true, false)
                    : Initiation.Failed.notAccepted("CinetPay answered HTTP " + status + " without a code");
        }
        String message = text(body, "message");
        String description = text(body, "description");
        if (!CREATED.equals(code)) {
            return new Initiation.Refused(code, join(message, description));
        }
        JsonNode data = body.path("data");
        String paymentUrl = text(data, "payment_url");
        String token = text(data, "payment_token");
        if (paymentUrl == null || !httpUrl(paymentUrl) || token == null) {
            return new Initiation.Failed("CinetPay created the payment without a payment_url or payment_token",
                    true, false);
        }
        try {
            Map<String, Object> instructions = new LinkedHashMap<>();
            instructions.put("paymentUrl", paymentUrl);
            instructions.put("paymentToken", token);
            return new Initiation.Accepted(PaymentStatus.PENDING, CallbackFields.reference("payment_token", token),
                    null, null, instructions, join(message, description));
        } catch (CallbackRejectedException e) {
            return new Initiation.Failed("unreadable CinetPay answer: " + e.getMessage(), true, false);
        }
    }

    private static String text(JsonNode body, String name) {
        JsonNode value = body.get(name);
        return value == null || !(value.isTextual() || value.isNumber()) || value.asText().isBlank() ? null
                : value.asText();
    }

    private static String join(String message, String description) {
        String text = message == null ? description : description == null ? message : message + ": " + description;
        return text == null ? null : ProviderHttp.shortened(text);
    }

    static boolean httpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && value.length() <= 1000;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
