package io.paysync.provider.virtualpay;

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
 * VirtualPay dynamic virtual account (PROVIDERS.md §4.3): {@code POST {base}{generate-path}} with
 * {@code {customer_id, merchant_id, channel_code, transaction_amount, currency "NGN", customer_name,
 * customer_email, customer_phone}}. The answer's {@code response_data.virtual_acct_no} is the account
 * the customer transfers into: transfers into it settle this payment (CONTRACT §3); its
 * {@code request_id} is the provider reference that CheckTransactionStatus is asked with. The callback
 * URL is configured with the bank, not sent.
 *
 * <p>No account number, no payment: a customer can only pay into an account paysync hands out, so a
 * lost answer (timeout, unreadable body) leaves nothing to reconcile — nothing is kept.
 * {@code transaction_amount} is sent as a decimal string, as VirtualPay's callbacks carry amounts (the
 * request's type is not documented).
 */
@Component("virtualpayInitiator")
class VirtualpayInitiator implements Initiator {

    static final String CUSTOMER_ID = "customerId";
    static final String CUSTOMER_NAME = "customerName";
    static final String CUSTOMER_EMAIL = "customerEmail";
    static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}");
    private static final Wording WORDING = Wording.calling(null, "GenerateVirtualAccountNumber");

    private final VirtualpayProperties properties;
    private final ProviderHttp http;

    @Autowired
    VirtualpayInitiator(PaysyncProperties paysync, VirtualpayProperties properties) {
        this(paysync.provider(VirtualpayCallbackMapper.PROVIDER).baseUrl(), properties);
    }

    VirtualpayInitiator(String baseUrl, VirtualpayProperties properties) {
        this.properties = properties;
        this.http = new ProviderHttp(baseUrl, properties.timeout());
    }

    @Override
    public String provider() {
        return VirtualpayCallbackMapper.PROVIDER;
    }

    @Override
    public Set<String> extras() {
        return Set.of(CUSTOMER_ID, CUSTOMER_NAME, CUSTOMER_EMAIL);
    }

    @Override
    public void validate(InitiationRequest request, List<FieldError> errors) {
        if (!VirtualpayCallbackMapper.CURRENCY.equals(request.currency())) {
            errors.add(new FieldError("currency", "VirtualPay takes NGN only"));
        }
        if (request.amount().stripTrailingZeros().scale() > 2) {
            errors.add(new FieldError("amount", "VirtualPay takes at most 2 decimals (kobo)"));
        }
        String customerId = request.extra(CUSTOMER_ID);
        if (request.extras().has(CUSTOMER_ID) && (customerId == null || customerId.isEmpty()
                || customerId.length() > 100 || !customerId.chars().allMatch(c -> c >= '!' && c <= '~'))) {
            errors.add(new FieldError(CUSTOMER_ID, "must be 1 to 100 printable ASCII characters without spaces"));
        }
        String name = request.extra(CUSTOMER_NAME);
        if (request.extras().has(CUSTOMER_NAME) && (name == null || name.isBlank() || name.length() > 100)) {
            errors.add(new FieldError(CUSTOMER_NAME, "must be a string of 1 to 100 characters"));
        }
        String email = request.extra(CUSTOMER_EMAIL);
        if (request.extras().has(CUSTOMER_EMAIL) && (email == null || !EMAIL.matcher(email).matches())) {
            errors.add(new FieldError(CUSTOMER_EMAIL, "must be an e-mail address"));
        }
    }

    @Override
    public Initiation initiate(InitiationRequest request) {
        List<String> missing = ProviderHttp.unset(new Setting(VirtualpayStatusClient.BASE_URL, http.baseUrl()),
                new Setting(VirtualpayProperties.MERCHANT_ID, properties.merchantId()),
                new Setting(VirtualpayProperties.CHANNEL_CODE, properties.channelCode()));
        if (!missing.isEmpty()) {
            return new Initiation.NotConfigured(missing);
        }
        String customerId = request.extra(CUSTOMER_ID, request.merchantReference());
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("customer_id", customerId)
                .put("merchant_id", properties.merchantId())
                .put("channel_code", properties.channelCode())
                .put("transaction_amount", request.amount().setScale(2, java.math.RoundingMode.UNNECESSARY)
                        .toPlainString())
                .put("currency", VirtualpayCallbackMapper.CURRENCY);
        putIfPresent(body, "customer_name", request.extra(CUSTOMER_NAME));
        putIfPresent(body, "customer_email", request.extra(CUSTOMER_EMAIL));
        putIfPresent(body, "customer_phone", request.payer());
        try {
            var builder = http.postJson(properties.generatePath(),
                    "invalid " + VirtualpayStatusClient.BASE_URL + " or " + VirtualpayProperties.GENERATE_PATH, body);
            if (!VirtualpayProperties.blank(properties.apiKey())) {
                builder.header(VirtualpayStatusClient.API_KEY_HEADER, properties.apiKey());
            }
            return answer(http.send(builder.build(), WORDING), customerId);
        } catch (NoAnswer e) {
            return Initiation.Failed.beforeCommitting(e);
        }
    }

    private static Initiation answer(Response response, String customerId) {
        int status = response.status();
        JsonNode body = ProviderHttp.objectOrNull(response.body());
        String code = body == null ? null : body.path("response_code").asText(null);
        if (Initiation.Failed.notTaken(status) || code == null) {
            return Initiation.Failed.notAccepted("GenerateVirtualAccountNumber answered HTTP " + status
                    + (code == null ? " without a response_code" : ""));
        }
        String message = body.path("response_message").asText(null);
        if (!VirtualpayCallbackMapper.CODE_SUCCESS.equals(code) || !response.is2xx()) {
            return new Initiation.Refused(ProviderHttp.codeLike(code) ? code : "HTTP " + status,
                    message == null ? null : ProviderHttp.shortened(message));
        }
        JsonNode data = body.path("response_data");
        try {
            String account = CallbackFields.reference("virtual_acct_no", CallbackFields.string(data, "virtual_acct_no"));
            String requestId = CallbackFields.reference("request_id", CallbackFields.string(data, "request_id"));
            CallbackFields.bounded("virtual_acct_no", account, 64);
            Map<String, Object> instructions = new LinkedHashMap<>();
            instructions.put("virtualAccountNumber", account);
            instructions.put("virtualAccountName", CallbackFields.text(data, 200, "virtual_acct_name"));
            instructions.put("expiresAt", CallbackFields.text(data, 64, "expiry_datetime"));
            return new Initiation.Accepted(PaymentStatus.PENDING, requestId, account, customerId, instructions, null);
        } catch (CallbackRejectedException e) {
            return Initiation.Failed.notAccepted("unreadable GenerateVirtualAccountNumber answer: " + e.getMessage());
        }
    }

    private static void putIfPresent(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
