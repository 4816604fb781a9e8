package io.paysync.provider.cinetpay;

import static io.paysync.provider.CallbackFields.bounded;
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
import io.paysync.provider.CallbackFields;
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
 * CinetPay's check API (PROVIDERS.md §2.3), the only source of a CinetPay payment's status:
 * {@code POST {base}/v2/payment/check} with {@code {"apikey","site_id","transaction_id"}}, the
 * transaction id being the merchant reference. The answer is read with
 * {@link CinetpayCallbackMapper#checkStatus(String, String)}; what it cannot rely on — {@code 603}
 * SERVICE_UNAVAILABLE, an unknown code, a transport error, a 5xx, an empty or unparsable body — is
 * {@link StatusAnswer.Unavailable}, never FAILED: the payment stays due.
 *
 * <p>CinetPay's answer is its {@code code}, and integrators read the body whatever the HTTP status
 * (the documents do not tie codes to HTTP statuses): a 4xx carrying a code this vocabulary knows is
 * an answer; a 5xx never is.
 */
@Component("cinetpayStatusClient")
public class CinetpayStatusClient implements StatusClient {

    private static final Logger log = LoggerFactory.getLogger(CinetpayStatusClient.class);

    static final String BASE_URL = CinetpayProperties.PREFIX + "base-url";
    static final String PATH = "/v2/payment/check";
    private static final Wording WORDING = Wording.calling(null, "check call");

    private final CinetpayProperties properties;
    private final ProviderHttp http;

    @Autowired
    public CinetpayStatusClient(PaysyncProperties paysync, CinetpayProperties properties) {
        this(paysync.provider(CinetpayCallbackMapper.PROVIDER).baseUrl(), properties);
    }

    /** With an explicit base URL (tests). */
    CinetpayStatusClient(String baseUrl, CinetpayProperties properties) {
        this.properties = properties;
        this.http = new ProviderHttp(baseUrl, properties.timeout());
    }

    @Override
    public String provider() {
        return CinetpayCallbackMapper.PROVIDER;
    }

    @Override
    public StatusAnswer check(Payment payment) {
        List<String> missing = missingSettings();
        if (!missing.isEmpty()) {
            return unavailable(payment, "not configured: " + String.join(", ", missing));
        }
        try {
            return answer(payment, http.send(request(payment), WORDING));
        } catch (NoAnswer e) {
            return unavailable(payment, e.getMessage());
        }
    }

    private List<String> missingSettings() {
        return ProviderHttp.unset(new Setting(BASE_URL, http.baseUrl()),
                new Setting(CinetpayProperties.APIKEY, properties.apikey()),
                new Setting(CinetpayProperties.SITE_ID, properties.siteId()));
    }

    private HttpRequest request(Payment payment) throws NoAnswer {
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("apikey", properties.apikey())
                .put("site_id", properties.siteId())
                .put("transaction_id", payment.merchantReference());
        return HttpRequest.newBuilder(http.uri(PATH, "invalid " + BASE_URL))
                .timeout(properties.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(BodyPublishers.ofString(body.toString()))
                .build();
    }

    private StatusAnswer answer(Payment payment, Response response) {
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
            String code = text(body, "code");
            String message = text(body, 500, "message");
            JsonNode data = body.get("data");
            if (data != null && !data.isNull() && !data.isObject()) {
                throw CallbackRejectedException.badRequest("field data must be an object");
            }
            boolean hasData = data != null && data.isObject();
            String dataStatus = hasData ? text(data, "status") : null;
            Optional<PaymentStatus> status = CinetpayCallbackMapper.checkStatus(dataStatus, code);
            if (status.isEmpty()) {
                return unavailable(payment, what + "no answer to rely on: code " + quoted(code)
                        + (message == null ? "" : " " + quoted(message))
                        + (dataStatus == null ? "" : ", data.status " + quoted(dataStatus)));
            }
            PaymentUpdate.Builder update = PaymentUpdate.builder(CinetpayCallbackMapper.PROVIDER, status.get(),
                            Source.STATUS_CHECK)
                    .merchantReference(payment.merchantReference())
                    .statusReason(message);
            if (hasData) {
                String prefix = text(data, "phone_prefix");
                String phone = text(data, "phone_number");
                update.amount(decimal(data, "amount"))
                        .currency(bounded("currency", text(data, "currency"), 8))
                        .operator(text(data, 64, "payment_method"))
                        .providerReference(optionalReference(text(data, "operator_id")))
                        .payer(bounded("phone_number", phone == null ? null
                                : (prefix == null ? "" : prefix) + phone, 64));
            }
            return new StatusAnswer.Known(update.build(), response.body());
        } catch (CallbackRejectedException e) {
            return unavailable(payment, what + "malformed answer: " + e.getMessage());
        }
    }

    /** A reference usable as one (printable ASCII, 1–100 characters), or null. */
    private static String optionalReference(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return CallbackFields.reference("operator_id", value);
        } catch (CallbackRejectedException e) {
            return null;
        }
    }

    private static StatusAnswer unavailable(Payment payment, String reason) {
        log.debug("CinetPay status of {} unavailable: {}", payment.merchantReference(), reason);
        return new StatusAnswer.Unavailable(reason);
    }
}
