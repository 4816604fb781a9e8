package io.paysync.provider.mvola;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.ProviderHttp;
import io.paysync.provider.ProviderHttp.NoAnswer;
import io.paysync.provider.ProviderHttp.Response;
import io.paysync.provider.ProviderHttp.Wording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MVola's OAuth2 client-credentials token (PROVIDERS.md §5.1): {@code POST {base-url}/token}
 * ({@code Authorization: Basic base64(consumer-key:consumer-secret)}, form
 * {@code grant_type=client_credentials&scope=EXT_INT_MVOLA_SCOPE}), kept until 60 s before its
 * {@code expires_in} runs out and shared by the calls of one client; one fetch at a time.
 */
final class MvolaTokens {

    private static final Logger LOG = LoggerFactory.getLogger(MvolaTokens.class);

    static final Duration TOKEN_MARGIN = MvolaStatusClient.TOKEN_MARGIN;
    private static final String INVALID_BASE_URL = MvolaProperties.BASE_URL + " is not an http(s) URL";
    private static final Wording TOKEN_ENDPOINT = Wording.talkingTo("the MVola token endpoint");

    private final ProviderHttp http;
    private final MvolaProperties properties;
    private final Duration timeout;
    private final Clock clock;

    private final Object tokenLock = new Object();
    private volatile Token token;

    MvolaTokens(ProviderHttp http, MvolaProperties properties, Clock clock) {
        this.http = http;
        this.properties = properties;
        this.timeout = properties.timeout();
        this.clock = clock;
    }

    /**
     * The headers common to MVola API calls (mvola-merchantpay-v1.txt): {@code Authorization: Bearer},
     * {@code Version: 1.0}, a new {@code X-CorrelationID}, {@code UserLanguage: FR},
     * {@code UserAccountIdentifier: msisdn;<partner-msisdn>}, {@code partnerName}, {@code Cache-Control:
     * no-cache} and {@code Accept: application/json}. {@code IllegalArgumentException} when a configured
     * value is not a valid header value.
     */
    HttpRequest.Builder headers(HttpRequest.Builder request, Token token) {
        return request
                .header("Authorization", "Bearer " + token.value())
                .header("Version", MvolaStatusClient.API_VERSION)
                .header("X-CorrelationID", java.util.UUID.randomUUID().toString())
                .header("UserLanguage", MvolaStatusClient.USER_LANGUAGE)
                .header("UserAccountIdentifier", "msisdn;" + properties.partnerMsisdn().strip())
                .header("partnerName", properties.partnerName().strip())
                .header("Cache-Control", "no-cache")
                .header("Accept", "application/json");
    }

    /** The cached token while it is fresh; otherwise one fetched by a single thread, the others waiting. */
    Token token() throws NoAnswer {
        Token current = token;
        if (current != null && current.freshAt(clock.instant())) {
            return current;
        }
        synchronized (tokenLock) {
            current = token;
            if (current != null && current.freshAt(clock.instant())) {
                return current;
            }
            Token fetched = fetchToken();
            token = fetched;
            return fetched;
        }
    }

    /** Forgets {@code used}, unless another thread has already replaced it. */
    void drop(Token used) {
        synchronized (tokenLock) {
            if (token == used) {
                token = null;
            }
        }
    }

    private Token fetchToken() throws NoAnswer {
        String credentials = properties.consumerKey().strip() + ":" + properties.consumerSecret().strip();
        URI uri = http.uri(MvolaStatusClient.TOKEN_PATH, INVALID_BASE_URL);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Authorization", "Basic "
                            + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Cache-Control", "no-cache")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(MvolaStatusClient.TOKEN_FORM))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new NoAnswer("cannot build the MVola token request");
        }
        Instant asked = clock.instant();
        Response response = http.send(request, TOKEN_ENDPOINT);
        int code = response.status();
        if (code == 401 || rejectsCredentials(response.body())) {
            throw new NoAnswer(MvolaStatusClient.CREDENTIALS_REJECTED);
        }
        if (code >= 400 && code < 500) {
            throw new NoAnswer("MVola refused the token request: HTTP " + code + error(response.body()));
        }
        if (code < 200 || code > 299) {
            throw new NoAnswer("the MVola token endpoint answered HTTP " + code);
        }
        try {
            JsonNode body = ProviderHttp.object(response.body());
            String value = CallbackFields.string(body, "access_token");
            if (value == null) {
                throw new NoAnswer("MVola token answer without access_token");
            }
            var expiresIn = CallbackFields.decimal(body, "expires_in");
            long seconds = expiresIn == null ? 0 : expiresIn.longValue();
            Duration kept = Duration.ofSeconds(seconds).minus(TOKEN_MARGIN);
            LOG.debug("MVola token obtained, valid for {} s", seconds);
            return new Token(value, kept.isNegative() ? asked : asked.plus(kept));
        } catch (CallbackRejectedException | ArithmeticException e) {
            throw new NoAnswer("unreadable MVola token answer: " + e.getMessage());
        }
    }

    /** {@code {"fault": {"code": 900901, …}}}: the token or the credentials are not accepted. */
    static boolean rejectsCredentials(String body) {
        try {
            JsonNode fault = ProviderHttp.object(body).path("fault");
            return fault.isObject() && String.valueOf(MvolaStatusClient.INVALID_CREDENTIALS).equals(fault.path("code").asText());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code " (<errorCode>: <errorDescription>)"} of an MVola error body, shortened; empty when none. */
    static String error(String body) {
        try {
            JsonNode error = ProviderHttp.object(body);
            String code = CallbackFields.text(error, "errorCode", "error");
            String description = CallbackFields.text(error, "errorDescription", "error_description");
            String text = code == null ? description : description == null ? code : code + ": " + description;
            return text == null ? "" : " (" + ProviderHttp.shortened(text) + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** An access token and the instant from which it is renewed rather than used. */
    record Token(String value, Instant renewAt) {

        boolean freshAt(Instant now) {
            return now.isBefore(renewAt);
        }

        @Override
        public String toString() {
            return "Token[renewAt=" + renewAt + "]";
        }
    }
}
