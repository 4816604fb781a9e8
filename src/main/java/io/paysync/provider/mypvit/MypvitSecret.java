package io.paysync.provider.mypvit;

import static io.paysync.provider.CallbackFields.decimal;
import static io.paysync.provider.CallbackFields.string;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.ProviderHttp;
import io.paysync.provider.ProviderHttp.NoAnswer;
import io.paysync.provider.ProviderHttp.Response;
import io.paysync.provider.ProviderHttp.Wording;
import io.paysync.provider.ProviderSecrets;
import io.paysync.provider.ProviderSecrets.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * MyPVit's {@code X-Secret} (PROVIDERS.md §1.1), for every MyPVit API paysync calls (status,
 * initiation, KYC). It comes from renew-secret v2: {@code POST {base}/v2/{renew-url-code}/renew-secret},
 * form {@code accountOperationCode}, {@code password}; it is used until {@link #RENEWAL_MARGIN} before
 * its {@code expires_in}. Each renewal makes the previous secret obsolete — for every paysync instance
 * and every client using the account — so the secret is shared through {@link ProviderSecrets} (the
 * database, in the application): a call uses the copy held here; when that one is about to expire or
 * was refused, the stored one if it is still good and not the refused one; otherwise it renews, once
 * for the cluster. The secret itself is never logged.
 */
final class MypvitSecret {

    private static final Logger log = LoggerFactory.getLogger(MypvitSecret.class);

    /** A secret is renewed this long before MyPVit says it expires. */
    static final Duration RENEWAL_MARGIN = Duration.ofSeconds(60);
    /** The lifetime the renew-secret document shows, when an answer carries none. */
    static final Duration DEFAULT_SECRET_LIFETIME = Duration.ofSeconds(3600);
    static final String AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED";

    private static final Wording SECRET_RENEWAL = Wording.calling("secret renewal", "secret renewal");

    private final ProviderHttp http;
    private final MypvitProperties properties;
    private final Clock clock;
    private final ProviderSecrets secrets;
    private final String invalidBaseUrl;

    /** Guards {@link #secret}: one call at a time in this client looks for a new secret. */
    private final Object secretLock = new Object();
    /** The secret in use here, a copy of the shared one. */
    private Secret secret;

    MypvitSecret(ProviderHttp http, MypvitProperties properties, Clock clock, ProviderSecrets secrets,
            String invalidBaseUrl) {
        this.http = http;
        this.properties = properties;
        this.clock = clock;
        this.secrets = secrets;
        this.invalidBaseUrl = invalidBaseUrl;
    }

    /**
     * A secret that is not about to expire and is not {@code refused} (null when none was): the one
     * held here, else the shared one, else a new one — renewed once for all instances.
     */
    String value(String refused) throws NoAnswer {
        synchronized (secretLock) {
            if (!usable(secret, refused)) {
                secret = null;
                try {
                    Secret stored = secrets.stored(MypvitCallbackMapper.PROVIDER);
                    secret = usable(stored, refused) ? stored
                            : secrets.renewUnless(MypvitCallbackMapper.PROVIDER, s -> usable(s, refused), this::renew);
                } catch (DataAccessException | TransactionException e) {
                    throw new NoAnswer("secret store unavailable: " + e.getClass().getSimpleName(),
                            NoAnswer.Delivery.NOT_SENT);
                }
            }
            return secret.value();
        }
    }

    /** A call refused for its secret (401, 403 or {@code AUTHENTICATION_FAILED}): renew, retry once. */
    static boolean authenticationFailed(Response response) {
        return response.status() == 401 || response.status() == 403
                || AUTHENTICATION_FAILED.equals(errorCode(response.body()));
    }

    /** The {@code error} of a MyPVit error body ({@code {"error":"AUTHENTICATION_FAILED",…}}), or null. */
    static String errorCode(String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            JsonNode error = CallbackFields.parse(body).path("error");
            return error.isTextual() && ProviderHttp.codeLike(error.asText()) ? error.asText() : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** True for a secret that is not {@code refused} and not within {@link #RENEWAL_MARGIN} of its expiry. */
    private boolean usable(Secret candidate, String refused) {
        return candidate != null && !candidate.value().equals(refused)
                && clock.instant().isBefore(candidate.expiresAt().minus(RENEWAL_MARGIN));
    }

    /**
     * A new secret from renew-secret; every secret renewed before is obsolete from then on. One whose
     * lifetime is shorter than the margin serves the call that asked for it and is renewed on the next.
     * Its failures are {@link NoAnswer.Delivery#NOT_SENT}: the call that needed it never went out.
     */
    private Secret renew() throws NoAnswer {
        try {
            return renewOnce();
        } catch (NoAnswer e) {
            throw new NoAnswer(e.getMessage(), NoAnswer.Delivery.NOT_SENT);
        }
    }

    private Secret renewOnce() throws NoAnswer {
        String path = "/v2/" + encode(properties.renewUrlCode()) + "/renew-secret";
        HttpRequest request = HttpRequest.newBuilder(http.uri(path, invalidBaseUrl))
                .timeout(properties.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(BodyPublishers.ofString("accountOperationCode=" + encode(properties.accountCode())
                        + "&password=" + encode(properties.password())))
                .build();
        Response response = http.send(request, SECRET_RENEWAL);
        if (!response.is2xx()) {
            String error = errorCode(response.body());
            throw new NoAnswer("secret renewal answered HTTP " + response.status()
                    + (error == null ? "" : " " + error));
        }
        JsonNode body = parse(response.body(), "secret renewal");
        String value;
        Duration lifetime;
        try {
            value = string(body, "secret");
            BigDecimal expiresIn = decimal(body, "expires_in");
            lifetime = expiresIn == null ? DEFAULT_SECRET_LIFETIME : Duration.ofSeconds(expiresIn.longValue());
        } catch (CallbackRejectedException e) {
            throw new NoAnswer("secret renewal: malformed answer: " + e.getMessage());
        }
        if (value == null || value.isBlank()) {
            throw new NoAnswer("secret renewal answered without a secret");
        }
        if (value.length() > ProviderSecrets.MAX_LENGTH) {
            throw new NoAnswer("secret renewal answered a secret longer than " + ProviderSecrets.MAX_LENGTH
                    + " characters");
        }
        log.debug("MyPVit secret renewed for {}", lifetime);
        return new Secret(value, clock.instant().plus(lifetime));
    }

    /** A JSON object answer, or a {@link NoAnswer} naming {@code what}. */
    static JsonNode parse(String body, String what) throws NoAnswer {
        JsonNode node;
        try {
            node = body.isBlank() ? null : CallbackFields.parse(body);
        } catch (JacksonException e) {
            throw new NoAnswer(what + ": malformed JSON");
        }
        if (node == null || !node.isObject()) {
            throw new NoAnswer(what + ": a JSON object was expected");
        }
        return node;
    }
}
