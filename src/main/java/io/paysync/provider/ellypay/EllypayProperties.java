package io.paysync.provider.ellypay;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * EllyPay settings that only the EllyPay package reads ({@code paysync.providers.ellypay.*}; the
 * shared ones, {@code enabled}, {@code base-url}…, are bound by {@code PaysyncProperties}).
 * A callback is accepted only when a signature it carries verifies with one of these keys.
 *
 * @param publicKey              EllyPay's RSA public key, checking {@code ellypay-signature} (gen-1) and
 *                               {@code rsa-signature} (gen-2): PEM text ({@code -----BEGIN PUBLIC KEY-----},
 *                               X.509 SubjectPublicKeyInfo) or {@code file:/path/to/key.pem}
 * @param signingKey             the gen-2 "Signing key" (merchant dashboard → account details), keying
 *                               {@code hmac-signature}; a secret, from the environment only
 * @param gen1SignatureAlgorithm the JCA algorithm of {@code ellypay-signature}: the gen-1 document does not
 *                               show it (PROVIDERS.md §3.3, §3.7 pitfall 4); {@code SHA256withRSA} as gen-2
 *                               states, {@code SHA1withRSA} if a real callback says otherwise (PHP's
 *                               {@code openssl_verify} default)
 * @param hmacTolerance          how far the {@code t} of {@code hmac-signature} may be from now, either way
 * @param apiKey                 the merchant account's API key, which the gen-2 documents call the "Public Key"
 *                               ({@code EPYPUB-…}, merchant dashboard → account details) and send as the
 *                               {@code public-key} HTTP header of the status-verification API (§3.5); gen-1 sends
 *                               the same kind of key as {@code ApiKey}. Not {@link #publicKey()}, which is
 *                               EllyPay's RSA key for callback signatures: the {@code public-key} setting was
 *                               taken by that key, so this one is {@code api-key} as CONTRACT §9 names it.
 *                               An identifier rather than a secret, still kept out of logs and toString();
 *                               from the environment ({@code PAYSYNC_PROVIDERS_ELLYPAY_APIKEY}). Without it
 *                               status checks answer "unavailable"
 * @param timeout                how long a status-verification request may take, response included
 *                               (the connection itself is given at most 5 s)
 */
@ConfigurationProperties("paysync.providers.ellypay")
public record EllypayProperties(
        String publicKey,
        String signingKey,
        @DefaultValue(DEFAULT_GEN1_SIGNATURE_ALGORITHM) String gen1SignatureAlgorithm,
        @DefaultValue("PT5M") Duration hmacTolerance,
        String apiKey,
        @DefaultValue("PT10S") Duration timeout) {

    static final String PREFIX = "paysync.providers.ellypay.";
    static final String PUBLIC_KEY = PREFIX + "public-key";
    static final String SIGNING_KEY = PREFIX + "signing-key";
    static final String GEN1_SIGNATURE_ALGORITHM = PREFIX + "gen1-signature-algorithm";
    static final String HMAC_TOLERANCE = PREFIX + "hmac-tolerance";
    static final String API_KEY = PREFIX + "api-key";
    static final String TIMEOUT = PREFIX + "timeout";
    static final String BASE_URL = PREFIX + "base-url";

    static final String DEFAULT_GEN1_SIGNATURE_ALGORITHM = "SHA256withRSA";
    static final Duration DEFAULT_HMAC_TOLERANCE = Duration.ofMinutes(5);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The same defaults when built without Spring (tests). */
    public EllypayProperties {
        if (gen1SignatureAlgorithm == null || gen1SignatureAlgorithm.isBlank()) {
            gen1SignatureAlgorithm = DEFAULT_GEN1_SIGNATURE_ALGORITHM;
        }
        if (hmacTolerance == null) {
            hmacTolerance = DEFAULT_HMAC_TOLERANCE;
        }
        if (timeout == null) {
            timeout = DEFAULT_TIMEOUT;
        }
    }

    @Override
    public String toString() {
        return "EllypayProperties[publicKey=" + (blank(publicKey) ? "<not set>" : "<set>")
                + ", signingKey=" + (blank(signingKey) ? "<not set>" : "******")
                + ", gen1SignatureAlgorithm=" + gen1SignatureAlgorithm + ", hmacTolerance=" + hmacTolerance
                + ", apiKey=" + (blank(apiKey) ? "<not set>" : "******") + ", timeout=" + timeout + "]";
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
