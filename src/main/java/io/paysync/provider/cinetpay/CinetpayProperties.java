package io.paysync.provider.cinetpay;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * CinetPay settings that only the CinetPay package reads ({@code paysync.providers.cinetpay.*};
 * the shared ones, {@code enabled}, {@code base-url}…, are bound by {@code PaysyncProperties}).
 *
 * @param secretKey the back-office "Secret Key" (Integrations page) that keys the {@code x-token}
 *                  HMAC; not the {@code apikey} (PROVIDERS.md §2.5 pitfall 4a). From the environment
 *                  ({@code PAYSYNC_PROVIDERS_CINETPAY_SECRETKEY}), never committed. Without it every
 *                  POST notification is refused with 401.
 * @param apikey    the back-office API key sent in every {@code /v2/payment/check} body (§2.3); a
 *                  credential, from the environment only ({@code PAYSYNC_PROVIDERS_CINETPAY_APIKEY})
 * @param siteId    the back-office site id sent with it
 * @param timeout   how long one check call may take before the answer counts as unavailable
 */
@ConfigurationProperties("paysync.providers.cinetpay")
public record CinetpayProperties(
        String secretKey,
        String apikey,
        String siteId,
        @DefaultValue("PT10S") Duration timeout) {

    static final String PREFIX = "paysync.providers.cinetpay.";
    static final String SECRET_KEY = PREFIX + "secret-key";
    static final String APIKEY = PREFIX + "apikey";
    static final String SITE_ID = PREFIX + "site-id";

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The same default when built without Spring (tests). */
    @ConstructorBinding
    public CinetpayProperties {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            timeout = DEFAULT_TIMEOUT;
        }
    }

    /** Only the notification side configured (tests of the signature verifier). */
    public CinetpayProperties(String secretKey) {
        this(secretKey, null, null, null);
    }

    /** Configured, not blank. */
    boolean hasSecretKey() {
        return !blank(secretKey);
    }

    @Override
    public String toString() {
        return "CinetpayProperties[secretKey=" + (hasSecretKey() ? "******" : "<not set>")
                + ", apikey=" + (blank(apikey) ? "<not set>" : "******")
                + ", siteId=" + siteId + ", timeout=" + timeout + "]";
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
