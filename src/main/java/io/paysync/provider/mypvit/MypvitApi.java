package io.paysync.provider.mypvit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.ProviderHttp;
import io.paysync.provider.ProviderHttp.NoAnswer;
import io.paysync.provider.ProviderHttp.Response;
import io.paysync.provider.ProviderHttp.Setting;
import io.paysync.provider.ProviderHttp.Wording;
import io.paysync.provider.ProviderSecrets;

/**
 * A MyPVit API call with its {@code X-Secret} (see {@link MypvitSecret}): one refused for its secret
 * (401, 403, {@code AUTHENTICATION_FAILED}) is sent again once with a renewed secret. Shared by the
 * initiation and KYC clients; each holds one.
 */
final class MypvitApi {

    static final String BASE_URL = MypvitProperties.PREFIX + "base-url";
    static final String INVALID_BASE_URL = "invalid " + BASE_URL;
    static final String API_NOT_FOUND = "API_NOT_FOUND";

    /** Builds the request for one secret. */
    @FunctionalInterface
    interface Call {
        java.net.http.HttpRequest request(String secret) throws NoAnswer;
    }

    /** An answer, and whether MyPVit still refused the secret after a renewal. */
    record Answer(Response response, boolean credentialsRefused) {
    }

    private final ProviderHttp http;
    private final MypvitProperties properties;
    private final MypvitSecret secret;

    MypvitApi(String baseUrl, MypvitProperties properties, Clock clock, ProviderSecrets secrets) {
        this.properties = properties;
        this.http = new ProviderHttp(baseUrl, properties.timeout());
        this.secret = new MypvitSecret(http, properties, clock, secrets, INVALID_BASE_URL);
    }

    ProviderHttp http() {
        return http;
    }

    /** The settings a call needs that are not configured: the base URL, credentials, and {@code more}. */
    List<String> missing(Setting... more) {
        List<Setting> settings = new ArrayList<>(List.of(new Setting(BASE_URL, http.baseUrl()),
                new Setting(MypvitProperties.ACCOUNT_CODE, properties.accountCode()),
                new Setting(MypvitProperties.PASSWORD, properties.password()),
                new Setting(MypvitProperties.RENEW_URL_CODE, properties.renewUrlCode())));
        settings.addAll(List.of(more));
        return ProviderHttp.unset(settings.toArray(Setting[]::new));
    }

    Answer send(Call call, Wording wording) throws NoAnswer {
        String current = secret.value(null);
        Response response = http.send(call.request(current), wording);
        if (MypvitSecret.authenticationFailed(response)) {
            response = http.send(call.request(secret.value(current)), wording);
            return new Answer(response, MypvitSecret.authenticationFailed(response));
        }
        return new Answer(response, false);
    }

    /** The answer as a JSON object, or null when it is empty, malformed or not an object. */
    static JsonNode body(Response response) {
        return ProviderHttp.objectOrNull(response.body());
    }

    /** MyPVit's message ({@code message}, or {@code messages} joined), shortened; null when none. */
    static String message(JsonNode body) {
        if (body == null) {
            return null;
        }
        JsonNode messages = body.path("messages");
        if (messages.isArray() && !messages.isEmpty()) {
            List<String> all = new ArrayList<>();
            messages.forEach(m -> all.add(m.asText()));
            return ProviderHttp.shortened(String.join("; ", all));
        }
        try {
            String message = CallbackFields.text(body, 500, "message");
            return message == null ? null : ProviderHttp.shortened(message);
        } catch (CallbackRejectedException e) {
            return null;
        }
    }

    /** A text field of an answer when it is a string (or a number), else null. */
    static String field(JsonNode body, String name) {
        JsonNode value = body == null ? null : body.get(name);
        return value == null || !(value.isTextual() || value.isNumber()) ? null : value.asText();
    }
}
