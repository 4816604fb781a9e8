package io.paysync.provider;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.paysync.system.PaysyncProperties;
import org.springframework.stereotype.Component;

/**
 * The callback URLs paysync hands to providers at initiation (CinetPay's {@code notify_url}, MVola's
 * {@code X-Callback-URL}): {@code paysync.public-base-url} + {@code /callbacks/<provider>}, with
 * {@code ?token=<paysync.providers.<p>.callback-token>} when a token is configured, so that the
 * callback passes the URL-token check (CONTRACT §2).
 */
@Component
public class CallbackUrls {

    private final PaysyncProperties properties;

    public CallbackUrls(PaysyncProperties properties) {
        this.properties = properties;
    }

    /** The callback URL of {@code provider}, token included. Not to be logged: the token is a secret. */
    public String of(String provider) {
        String url = properties.publicBaseUrl() + "/callbacks/" + provider;
        String token = properties.provider(provider).callbackToken();
        return token == null || token.isEmpty() ? url
                : url + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }
}
