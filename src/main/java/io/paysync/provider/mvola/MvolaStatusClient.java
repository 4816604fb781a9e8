package io.paysync.provider.mvola;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.paysync.payment.Payment;
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
 * MVola Merchant Pay transaction status (PROVIDERS.md §5.1, §5.4; mvola-merchantpay-v1.txt).
 *
 * <p>Authentication: an OAuth2 client-credentials token from {@code POST {base-url}/token}
 * ({@code Authorization: Basic base64(consumer-key:consumer-secret)}, form
 * {@code grant_type=client_credentials&scope=EXT_INT_MVOLA_SCOPE}), kept until 60 s before its
 * {@code expires_in} runs out and shared by all checks; a token the status API answers 401 to is
 * dropped, a new one fetched and the check retried once.
 *
 * <p>Status: {@code GET {base-url}/mvola/mm/transactions/type/merchantpay/1.0.0/status/{serverCorrelationId}}
 * with the common headers ({@code Authorization: Bearer}, {@code Version: 1.0}, a new
 * {@code X-CorrelationID} per request, {@code UserLanguage: FR}, {@code UserAccountIdentifier: msisdn;<partner-msisdn>},
 * {@code partnerName}, {@code Content-Type: application/json} as the document's header table lists it,
 * {@code Cache-Control: no-cache}) and {@code Accept: application/json}. The serverCorrelationId is the
 * payment's provider reference, stored at initiation. The answer's field is {@code status}, not
 * {@code transactionStatus}; it is read by {@link MvolaCallbackMapper#statusAnswer}, with the callbacks'
 * vocabulary.
 *
 * <p>Missing settings, network errors, timeouts ({@code paysync.providers.mvola.timeout}), 5xx, refusals,
 * rejected credentials and unreadable answers are {@link StatusAnswer.Unavailable} with a short reason;
 * credentials and tokens never appear in a reason or a log.
 */
@Component("mvolaStatusClient")
public class MvolaStatusClient implements StatusClient {

    private static final Logger LOG = LoggerFactory.getLogger(MvolaStatusClient.class);

    /** A token is renewed this long before MVola says it expires. */
    static final Duration TOKEN_MARGIN = Duration.ofSeconds(60);
    static final String TOKEN_PATH = "/token";
    static final String TOKEN_FORM = "grant_type=client_credentials&scope=EXT_INT_MVOLA_SCOPE";
    static final String STATUS_PATH = "/mvola/mm/transactions/type/merchantpay/1.0.0/status/";
    static final String API_VERSION = "1.0";
    static final String USER_LANGUAGE = "FR";
    /** The fault code of "Invalid Credentials" (§5.1). */
    static final int INVALID_CREDENTIALS = 900901;
    static final String CREDENTIALS_REJECTED = "MVola rejected the credentials";
    static final String NO_CORRELATION_ID = "no serverCorrelationId";
    private static final String INVALID_BASE_URL = MvolaProperties.BASE_URL + " is not an http(s) URL";
    private static final Wording STATUS_API = Wording.talkingTo("MVola");

    private final MvolaProperties properties;
    private final Duration timeout;
    private final ProviderHttp http;

    private final MvolaTokens tokens;

    MvolaStatusClient(PaysyncProperties paysync, MvolaProperties properties, Clock clock) {
        this.properties = properties;
        this.timeout = properties.timeout();
        this.http = new ProviderHttp(paysync.provider(MvolaCallbackMapper.PROVIDER).baseUrl(), timeout);
        this.tokens = new MvolaTokens(http, properties, clock);
    }

    @Override
    public String provider() {
        return MvolaCallbackMapper.PROVIDER;
    }

    @Override
    public StatusAnswer check(Payment payment) {
        try {
            return status(payment);
        } catch (NoAnswer e) {
            LOG.debug("MVola status of {} unavailable: {}", payment.merchantReference(), e.getMessage());
            return new StatusAnswer.Unavailable(e.getMessage());
        }
    }

    private StatusAnswer status(Payment payment) throws NoAnswer {
        if (http.baseUrl() == null) {
            throw new NoAnswer(MvolaProperties.BASE_URL + " is not configured");
        }
        List<String> missing = properties.missing();
        if (!missing.isEmpty()) {
            throw new NoAnswer(String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " not configured");
        }
        String correlationId = payment.providerReference();
        if (MvolaProperties.blank(correlationId)) {
            throw new NoAnswer(NO_CORRELATION_ID);
        }
        URI uri = http.uri(STATUS_PATH + URLEncoder.encode(correlationId, StandardCharsets.UTF_8), INVALID_BASE_URL);

        MvolaTokens.Token used = tokens.token();
        Response response = http.send(statusRequest(uri, used), STATUS_API);
        if (response.status() == 401) {
            tokens.drop(used);
            used = tokens.token();
            response = http.send(statusRequest(uri, used), STATUS_API);
            if (response.status() == 401) {
                tokens.drop(used);
                throw new NoAnswer(MvolaTokens.rejectsCredentials(response.body()) ? CREDENTIALS_REJECTED
                        : "MVola refused a new token: HTTP 401");
            }
        }
        return answer(payment, correlationId, response);
    }

    private StatusAnswer answer(Payment payment, String correlationId, Response response) throws NoAnswer {
        int code = response.status();
        String raw = response.body();
        if (code >= 500) {
            throw new NoAnswer("MVola answered HTTP " + code);
        }
        if (code >= 400) {
            throw new NoAnswer(MvolaTokens.rejectsCredentials(raw) ? CREDENTIALS_REJECTED
                    : "MVola refused the check: HTTP " + code + MvolaTokens.error(raw));
        }
        if (code < 200 || code > 299) {
            throw new NoAnswer("MVola answered HTTP " + code);
        }
        try {
            JsonNode body = ProviderHttp.object(raw);
            if (body.has("fault")) {
                throw new NoAnswer(MvolaTokens.rejectsCredentials(raw) ? CREDENTIALS_REJECTED : "MVola answered a fault");
            }
            return new StatusAnswer.Known(
                    MvolaCallbackMapper.statusAnswer(body, payment.merchantReference(), correlationId), raw);
        } catch (CallbackRejectedException e) {
            throw new NoAnswer("unreadable MVola answer: " + e.getMessage());
        }
    }

    private HttpRequest statusRequest(URI uri, MvolaTokens.Token token) throws NoAnswer {
        try {
            return tokens.headers(HttpRequest.newBuilder(uri).timeout(timeout), token)
                    .header("Content-Type", "application/json")
                    .GET()
                    .build();
        } catch (IllegalArgumentException e) {
            throw new NoAnswer(MvolaProperties.PARTNER_NAME + " or " + MvolaProperties.PARTNER_MSISDN
                    + " is not a valid header value");
        }
    }

}
