package io.paysync.provider.mvola;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * MVola settings that only the MVola package reads ({@code paysync.providers.mvola.*}; the shared
 * ones, {@code enabled}, {@code base-url}…, are bound by {@code PaysyncProperties}). They authenticate
 * the calls paysync makes to MVola (PROVIDERS.md §5.1); MVola callbacks carry no credentials.
 *
 * @param consumerKey    the OAuth2 client id of the application (MVola developer portal), half of the
 *                       {@code Authorization: Basic} of {@code POST /token}
 * @param consumerSecret its secret, the other half; from the environment
 *                       ({@code PAYSYNC_PROVIDERS_MVOLA_CONSUMERSECRET}), never committed
 * @param partnerName    the company name sent as the {@code partnerName} header
 * @param partnerMsisdn  the merchant's MVola number, sent as {@code UserAccountIdentifier: msisdn;<number>}
 *                       (sandbox {@code 0343500004})
 * @param timeout        how long one request (token or status) may take, response included (the
 *                       connection itself is given at most 5 s)
 */
@ConfigurationProperties("paysync.providers.mvola")
public record MvolaProperties(
        String consumerKey,
        String consumerSecret,
        String partnerName,
        String partnerMsisdn,
        @DefaultValue("PT10S") Duration timeout) {

    static final String PREFIX = "paysync.providers.mvola.";
    static final String BASE_URL = PREFIX + "base-url";
    static final String CONSUMER_KEY = PREFIX + "consumer-key";
    static final String CONSUMER_SECRET = PREFIX + "consumer-secret";
    static final String PARTNER_NAME = PREFIX + "partner-name";
    static final String PARTNER_MSISDN = PREFIX + "partner-msisdn";

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The same default when built without Spring (tests). */
    public MvolaProperties {
        if (timeout == null) {
            timeout = DEFAULT_TIMEOUT;
        }
    }

    /** The names of the credentials that are not configured, in the order of CONTRACT §9. */
    List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (blank(consumerKey)) {
            missing.add(CONSUMER_KEY);
        }
        if (blank(consumerSecret)) {
            missing.add(CONSUMER_SECRET);
        }
        if (blank(partnerName)) {
            missing.add(PARTNER_NAME);
        }
        if (blank(partnerMsisdn)) {
            missing.add(PARTNER_MSISDN);
        }
        return missing;
    }

    @Override
    public String toString() {
        return "MvolaProperties[consumerKey=" + (blank(consumerKey) ? "<not set>" : "<set>")
                + ", consumerSecret=" + (blank(consumerSecret) ? "<not set>" : "******")
                + ", partnerName=" + partnerName
                + ", partnerMsisdn=" + (blank(partnerMsisdn) ? "<not set>" : "<set>")
                + ", timeout=" + timeout + "]";
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
