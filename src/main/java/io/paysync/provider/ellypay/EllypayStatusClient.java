package io.paysync.provider.ellypay;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.ProviderHttp;
import io.paysync.provider.ProviderHttp.NoAnswer;
import io.paysync.provider.ProviderHttp.Response;
import io.paysync.provider.ProviderHttp.Wording;
import io.paysync.provider.StatusClient;
import io.paysync.system.PaysyncProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * EllyPay gen-2 transaction status verification (PROVIDERS.md §3.5):
 * {@code GET {base-url}/data/transaction/verify/{merchant_reference}} with {@code Accept: application/json},
 * {@code x-api-version: 1} and {@code public-key: <api-key>} (the merchant account's "Public Key", see
 * {@link EllypayProperties#apiKey()}). The answer's {@code data} is read like a gen-2 callback payload,
 * with the same status vocabulary ({@link EllypayCallbackMapper#gen2Transaction}).
 *
 * <p>EllyPay denies checks made less than 2 minutes after initiation: {@link #earliestFirstCheck()} is
 * 2 minutes, so the schedule's default first check comes no earlier; a check asked for earlier (a
 * configured {@code paysync.providers.ellypay.first-check-after}, which CONTRACT §7 says is honoured as
 * given) is sent all the same, and any refusal EllyPay answers (4xx) is {@link StatusAnswer.Unavailable},
 * never FAILED (§3.7 pitfall 2). EllyPay also
 * asks for 5 minutes between two checks of the same transaction: spacing the checks is the reconciliation
 * schedule's job ({@code paysync.reconciliation.interval}, default {@code PT5M}, CONTRACT §7), not this
 * client's.
 *
 * <p>Network errors, timeouts ({@code paysync.providers.ellypay.timeout}), 5xx, unreadable answers and an
 * answer about another merchant reference are {@link StatusAnswer.Unavailable} with a short reason; the
 * API key never appears in a reason or a log.
 */
@Component("ellypayStatusClient")
public class EllypayStatusClient implements StatusClient {

    private static final Logger LOG = LoggerFactory.getLogger(EllypayStatusClient.class);

    /** EllyPay refuses status checks made earlier than this after initiation. */
    static final Duration EARLIEST_CHECK = Duration.ofMinutes(2);
    static final String VERIFY_PATH = "/data/transaction/verify/";
    static final String API_VERSION = "1";
    private static final Wording WORDING = Wording.talkingTo("EllyPay");

    private final String apiKey;
    private final Duration timeout;
    private final ProviderHttp http;

    EllypayStatusClient(PaysyncProperties paysync, EllypayProperties properties) {
        this.apiKey = properties.apiKey();
        this.timeout = properties.timeout();
        this.http = new ProviderHttp(paysync.provider(EllypayCallbackMapper.PROVIDER).baseUrl(), timeout);
    }

    @Override
    public String provider() {
        return EllypayCallbackMapper.PROVIDER;
    }

    @Override
    public Duration earliestFirstCheck() {
        return EARLIEST_CHECK;
    }

    @Override
    public StatusAnswer check(Payment payment) {
        try {
            return verify(payment);
        } catch (NoAnswer e) {
            LOG.debug("EllyPay status of {} unavailable: {}", payment.merchantReference(), e.getMessage());
            return new StatusAnswer.Unavailable(e.getMessage());
        }
    }

    private StatusAnswer verify(Payment payment) throws NoAnswer {
        URI uri = uri(payment.merchantReference());
        if (EllypayProperties.blank(apiKey)) {
            throw new NoAnswer(EllypayProperties.API_KEY + " is not configured");
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Accept", "application/json")
                    .header("x-api-version", API_VERSION)
                    .header("public-key", apiKey)
                    .GET()
                    .build();
        } catch (IllegalArgumentException e) {
            throw new NoAnswer(EllypayProperties.API_KEY + " is not a valid header value");
        }
        Response response = http.send(request, WORDING);
        int code = response.status();
        if (code >= 500) {
            throw new NoAnswer("EllyPay answered HTTP " + code);
        }
        if (code >= 400) {
            throw new NoAnswer("EllyPay refused the check: HTTP " + code + message(response.body()));
        }
        if (code < 200 || code > 299) {
            throw new NoAnswer("EllyPay answered HTTP " + code);
        }
        return known(payment, response.body());
    }

    private StatusAnswer known(Payment payment, String raw) throws NoAnswer {
        JsonNode data;
        PaymentUpdate update;
        try {
            JsonNode body = ProviderHttp.object(raw);
            data = body.get("data");
            if (data == null || !data.isObject()) {
                throw new NoAnswer("EllyPay answered without a transaction" + message(raw));
            }
            update = EllypayCallbackMapper.gen2Transaction(data, "data.", Source.STATUS_CHECK);
        } catch (CallbackRejectedException e) {
            throw new NoAnswer("unreadable EllyPay answer: " + e.getMessage());
        }
        if (!payment.merchantReference().equals(update.merchantReference())) {
            throw new NoAnswer("EllyPay answered about another merchant reference");
        }
        return new StatusAnswer.Known(update, raw);
    }

    private URI uri(String merchantReference) throws NoAnswer {
        if (http.baseUrl() == null) {
            throw new NoAnswer(EllypayProperties.BASE_URL + " is not configured");
        }
        if (merchantReference.equals(".") || merchantReference.equals("..")) {
            throw new NoAnswer("merchant reference " + merchantReference + " cannot be a URL path segment");
        }
        return http.uri(VERIFY_PATH + URLEncoder.encode(merchantReference, StandardCharsets.UTF_8),
                EllypayProperties.BASE_URL + " is not an http(s) URL");
    }

    /** {@code " (<message>)"} from a JSON answer's {@code message}, shortened; empty when there is none. */
    private static String message(String body) {
        try {
            String message = CallbackFields.text(ProviderHttp.object(body), "message");
            return message == null ? "" : " (" + ProviderHttp.shortened(message) + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }
}
