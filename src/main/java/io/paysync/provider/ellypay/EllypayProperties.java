package io.paysync.provider.ellypay;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
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
 * @param secretKey              the merchant account's secret key, which signs initiation requests
 *                               ({@code Signature: t=<ms>,s=<hex HMAC-SHA256(secret-key, "<ms>:<api-key>")>},
 *                               PROVIDERS.md §3.1); a secret, from the environment only
 * @param pin                    the PIN of the account approval email; initiation sends
 *                               {@code upper(hex(sha1(pin)))} (§3.2); a secret, from the environment only
 * @param generation             which EllyPay API the account uses for initiation: {@code 1} (agent API,
 *                               {@code /merchant/validate-account} then {@code /merchant/process-payment}) or
 *                               {@code 2} (Gateway API service payments, §3.5)
 * @param validatePath           the account-validation path; defaults to the gen-1 one. The gen-2 paths are not
 *                               in the documents consulted, so gen-2 needs both paths configured
 * @param confirmPath            the payment-confirmation path; defaults to the gen-1 one
 */
@ConfigurationProperties("paysync.providers.ellypay")
public record EllypayProperties(
        String publicKey,
        String signingKey,
        @DefaultValue(DEFAULT_GEN1_SIGNATURE_ALGORITHM) String gen1SignatureAlgorithm,
        String apiKey,
        @DefaultValue("PT10S") Duration timeout,
        String secretKey,
        String pin,
        @DefaultValue("1") int generation,
        String validatePath,
        String confirmPath) {

    static final String PREFIX = "paysync.providers.ellypay.";
    static final String PUBLIC_KEY = PREFIX + "public-key";
    static final String SIGNING_KEY = PREFIX + "signing-key";
    static final String GEN1_SIGNATURE_ALGORITHM = PREFIX + "gen1-signature-algorithm";
    static final String API_KEY = PREFIX + "api-key";
    static final String TIMEOUT = PREFIX + "timeout";
    static final String BASE_URL = PREFIX + "base-url";
    static final String SECRET_KEY = PREFIX + "secret-key";
    static final String PIN = PREFIX + "pin";
    static final String VALIDATE_PATH = PREFIX + "validate-path";
    static final String CONFIRM_PATH = PREFIX + "confirm-path";
    static final String GEN1_VALIDATE_PATH = "/merchant/validate-account";
    static final String GEN1_CONFIRM_PATH = "/merchant/process-payment";

    static final String DEFAULT_GEN1_SIGNATURE_ALGORITHM = "SHA256withRSA";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** The same defaults when built without Spring (tests). */
    @ConstructorBinding
    public EllypayProperties {
        if (gen1SignatureAlgorithm == null || gen1SignatureAlgorithm.isBlank()) {
            gen1SignatureAlgorithm = DEFAULT_GEN1_SIGNATURE_ALGORITHM;
        }
        if (timeout == null) {
            timeout = DEFAULT_TIMEOUT;
        }
        if (generation != 2) {
            generation = 1;
        }
        if (blank(validatePath)) {
            validatePath = generation == 1 ? GEN1_VALIDATE_PATH : null;
        }
        if (blank(confirmPath)) {
            confirmPath = generation == 1 ? GEN1_CONFIRM_PATH : null;
        }
    }

    /** Callback verification and status settings only (tests). */
    public EllypayProperties(String publicKey, String signingKey, String gen1SignatureAlgorithm, String apiKey,
            Duration timeout) {
        this(publicKey, signingKey, gen1SignatureAlgorithm, apiKey, timeout, null, null, 1, null, null);
    }

    @Override
    public String toString() {
        return "EllypayProperties[publicKey=" + (blank(publicKey) ? "<not set>" : "<set>")
                + ", signingKey=" + (blank(signingKey) ? "<not set>" : "******")
                + ", gen1SignatureAlgorithm=" + gen1SignatureAlgorithm
                + ", apiKey=" + (blank(apiKey) ? "<not set>" : "******") + ", timeout=" + timeout
                + ", secretKey=" + (blank(secretKey) ? "<not set>" : "******")
                + ", pin=" + (blank(pin) ? "<not set>" : "******") + ", generation=" + generation
                + ", validatePath=" + validatePath + ", confirmPath=" + confirmPath + "]";
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
