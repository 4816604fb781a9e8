package io.paysync.provider.virtualpay;

import static io.paysync.provider.CallbackFields.decimal;
import static io.paysync.provider.CallbackFields.text;
import static io.paysync.provider.ProviderHttp.quoted;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.ProviderHttp;
import io.paysync.provider.ProviderHttp.NoAnswer;
import io.paysync.provider.ProviderHttp.Response;
import io.paysync.provider.ProviderHttp.Setting;
import io.paysync.provider.ProviderHttp.Wording;
import io.paysync.provider.StatusClient;
import io.paysync.system.PaysyncProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * VirtualPay's CheckTransactionStatus (PROVIDERS.md §4.2): {@code POST {base}{status-path}} with
 * {@code {"merchant_id","request_id","session_id":"","channel_code"}}, the request id being the
 * transaction reference paysync holds as the payment's provider reference. The path is configurable
 * because the retail one is not confirmed ({@link VirtualpayProperties#statusPath()}).
 *
 * <p>{@code response_code "00"} carries the answer in {@code response_data}, read with
 * {@link VirtualpayCallbackMapper#checkStatus(String, String)}. Any other envelope ({@code "99"}
 * Failed Request…, a 4xx) is no answer unless its {@code response_data} clearly says the transfer
 * failed ({@code tran_response_code} other than {@code "00"}); a 5xx, a timeout or an unreadable
 * body never is.
 */
@Component("virtualpayStatusClient")
public class VirtualpayStatusClient implements StatusClient {

    private static final Logger log = LoggerFactory.getLogger(VirtualpayStatusClient.class);

    static final String BASE_URL = VirtualpayProperties.PREFIX + "base-url";
    /**
     * VirtualPay's authentication headers are not documented; the sandbox host looks like Azure API
     * Management, whose subscription key header this is (PROVIDERS.md §4.2 [I], unverified).
     */
    static final String API_KEY_HEADER = "Ocp-Apim-Subscription-Key";
    static final String NO_REFERENCE = "no transaction reference to query";
    private static final Wording WORDING = Wording.calling(null, "status call");

    private final VirtualpayProperties properties;
    private final ProviderHttp http;

    @Autowired
    public VirtualpayStatusClient(PaysyncProperties paysync, VirtualpayProperties properties) {
        this(paysync.provider(VirtualpayCallbackMapper.PROVIDER).baseUrl(), properties);
    }

    /** With an explicit base URL (tests). */
    VirtualpayStatusClient(String baseUrl, VirtualpayProperties properties) {
        this.properties = properties;
        this.http = new ProviderHttp(baseUrl, properties.timeout());
    }

    @Override
    public String provider() {
        return VirtualpayCallbackMapper.PROVIDER;
    }

    @Override
    public StatusAnswer check(Payment payment) {
        List<String> missing = missingSettings();
        if (!missing.isEmpty()) {
            return unavailable(payment, "not configured: " + String.join(", ", missing));
        }
        String requestId = payment.providerReference();
        if (requestId == null || requestId.isBlank()) {
            return unavailable(payment, NO_REFERENCE);
        }
        try {
            return answer(payment, requestId, http.send(request(requestId), WORDING));
        } catch (NoAnswer e) {
            return unavailable(payment, e.getMessage());
        }
    }

    private List<String> missingSettings() {
        return ProviderHttp.unset(new Setting(BASE_URL, http.baseUrl()),
                new Setting(VirtualpayProperties.MERCHANT_ID, properties.merchantId()),
                new Setting(VirtualpayProperties.CHANNEL_CODE, properties.channelCode()));
    }

    private HttpRequest request(String requestId) throws NoAnswer {
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("merchant_id", properties.merchantId())
                .put("request_id", requestId)
                .put("session_id", "")
                .put("channel_code", properties.channelCode());
        HttpRequest.Builder request = HttpRequest.newBuilder(http.uri(properties.statusPath(),
                        "invalid " + BASE_URL + " or " + VirtualpayProperties.STATUS_PATH))
                .timeout(properties.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(BodyPublishers.ofString(body.toString()));
        if (!VirtualpayProperties.blank(properties.apiKey())) {
            request.header(API_KEY_HEADER, properties.apiKey());
        }
        return request.build();
    }

    private StatusAnswer answer(Payment payment, String requestId, Response response) {
        int httpStatus = response.status();
        if (httpStatus >= 500) {
            return unavailable(payment, "HTTP " + httpStatus);
        }
        String what = response.is2xx() ? "" : "HTTP " + httpStatus + ", ";
        JsonNode body = ProviderHttp.objectOrNull(response.body());
        if (body == null) {
            return unavailable(payment, what + (response.body().isBlank()
                    ? "empty answer" : "malformed answer: a JSON object was expected"));
        }
        try {
            String responseCode = text(body, "response_code");
            JsonNode data = body.get("response_data");
            if (data != null && !data.isNull() && !data.isObject()) {
                throw CallbackRejectedException.badRequest("field response_data must be an object");
            }
            data = data != null && data.isObject() ? data : JsonNodeFactory.instance.objectNode();
            String tranCode = text(data, "tran_response_code");
            String transactionStatus = text(data, "transaction_status");
            boolean envelopeOk = response.is2xx() && VirtualpayCallbackMapper.CODE_SUCCESS.equals(responseCode);
            Optional<PaymentStatus> status = VirtualpayCallbackMapper.checkStatus(transactionStatus, tranCode);
            if (!envelopeOk && status.filter(s -> s == PaymentStatus.FAILED).isEmpty()) {
                return unavailable(payment, what + "response_code " + quoted(responseCode)
                        + optional(text(body, "response_message")));
            }
            if (status.isEmpty()) {
                return unavailable(payment, "malformed answer: no transaction_status");
            }
            PaymentUpdate update = PaymentUpdate.builder(VirtualpayCallbackMapper.PROVIDER, status.get(),
                            Source.STATUS_CHECK)
                    .merchantReference(payment.merchantReference())
                    .providerReference(requestId)
                    .amount(decimal(data, "amount_paid"))
                    .currency(VirtualpayCallbackMapper.CURRENCY)
                    .payer(text(data, 64, "source_account"))
                    .operator(text(data, 64, "source_bank"))
                    .virtualAccount(text(data, 100, "virtual_account_no"))
                    .customerId(text(data, 100, "customer_id"))
                    .statusReason(reason(status.get(), tranCode, text(data, 500, "tran_response_message"),
                            transactionStatus))
                    .build();
            return new StatusAnswer.Known(update, response.body());
        } catch (CallbackRejectedException e) {
            return unavailable(payment, what + "malformed answer: " + e.getMessage());
        }
    }

    private static String reason(PaymentStatus status, String tranCode, String message, String transactionStatus) {
        return switch (status) {
            case FAILED -> VirtualpayCallbackMapper.reason(false, tranCode, message, null);
            case PENDING -> "transaction_status " + transactionStatus;
            default -> null;
        };
    }

    private static String optional(String message) {
        return message == null ? "" : " " + quoted(message);
    }

    private static StatusAnswer unavailable(Payment payment, String reason) {
        log.debug("VirtualPay status of {} unavailable: {}", payment.merchantReference(), reason);
        return new StatusAnswer.Unavailable(reason);
    }
}
