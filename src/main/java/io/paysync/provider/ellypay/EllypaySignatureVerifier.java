package io.paysync.provider.ellypay;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.HmacSha256;
import io.paysync.provider.RawCallback;
import io.paysync.provider.SignatureVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * EllyPay callback signatures, both generations on one endpoint (PROVIDERS.md §3.3, §3.4):
 *
 * <ul>
 * <li>gen-1 (flat body): {@code ellypay-signature}, base64 RSA over
 *     {@code id:internal_reference:agent_reference} with EllyPay's public key; the hash is
 *     {@code gen1-signature-algorithm} because the document does not show it;</li>
 * <li>gen-2 ({@code {"event", "payload"}}): {@code rsa-signature}, base64 SHA256withRSA, and
 *     {@code hmac-signature: t=<timestamp>,s=<hex HMAC-SHA256>} keyed with the signing key, both over
 *     {@code event:merchant_reference:internal_reference:transaction_type:transaction_status}. One
 *     signature that verifies is enough: {@code rsa-signature} is checked first, {@code hmac-signature}
 *     only when that one is absent, cannot be checked or does not verify. Both cover the same string, so
 *     a second one proves nothing more; an {@code rsa-signature} that fails beside an
 *     {@code hmac-signature} that verifies means that the configured public key is wrong (logged at
 *     WARN), not that the callback is forged.</li>
 * </ul>
 *
 * <p>{@code t} is not read. Nothing says it is signed (PROVIDERS.md §3.4; the §6 test vector signs the
 * string without it), so anyone can re-stamp a captured callback: checking its age would stop no
 * replay, and it would refuse genuine callbacks that EllyPay retries with back-off, which may keep
 * their first {@code t}. Replays change nothing anyway: a callback repeats a status EllyPay signed for
 * that payment, a final status is never left, and it is delivered downstream once.
 *
 * <p>Fields are signed as written in the JSON (the {@code id} 24546 as {@code 24546}); a missing one
 * counts as empty. The body is parsed exactly as the mapper parses it ({@link CallbackFields#object}),
 * so a key given twice is refused there and what was verified is what gets mapped. A callback with
 * no signature that a configured key can check is refused: what cannot be verified is not
 * accepted. A public key that cannot be read stops the start.
 */
@Component("ellypaySignatureVerifier")
public class EllypaySignatureVerifier implements SignatureVerifier {

    static final String GEN1_HEADER = "ellypay-signature";
    static final String RSA_HEADER = "rsa-signature";
    static final String HMAC_HEADER = "hmac-signature";
    static final String GEN2_RSA_ALGORITHM = "SHA256withRSA";
    private static final String MALFORMED_HMAC = "malformed " + HMAC_HEADER + "; t=<timestamp>,s=<hex> expected";

    private static final Logger log = LoggerFactory.getLogger(EllypaySignatureVerifier.class);

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----",
            Pattern.DOTALL);

    private final PublicKey publicKey;
    private final String signingKey;
    private final String gen1Algorithm;

    EllypaySignatureVerifier(EllypayProperties properties) {
        this.publicKey = EllypayProperties.blank(properties.publicKey()) ? null : readPublicKey(properties.publicKey());
        this.signingKey = EllypayProperties.blank(properties.signingKey()) ? null : properties.signingKey();
        this.gen1Algorithm = properties.gen1SignatureAlgorithm().strip();
        checkGen1Algorithm();
    }

    @Override
    public String provider() {
        return EllypayCallbackMapper.PROVIDER;
    }

    @Override
    public void verify(RawCallback callback) {
        JsonNode body = CallbackFields.object(callback);
        if (body.has("event") || body.has("payload")) {
            verifyGen2(body, callback);
        } else {
            verifyGen1(body, callback);
        }
    }

    private void verifyGen1(JsonNode body, RawCallback callback) {
        if (publicKey == null) {
            throw CallbackRejectedException.unauthorized(GEN1_HEADER + " cannot be verified: "
                    + EllypayProperties.PUBLIC_KEY + " is not configured");
        }
        String signature = callback.header(GEN1_HEADER);
        if (absent(signature)) {
            throw CallbackRejectedException.unauthorized("missing " + GEN1_HEADER);
        }
        String signed = gen1SignedString(signedText(body, "id"), signedText(body, "internal_reference"),
                signedText(body, "agent_reference"));
        String failure = rsaFailure(gen1Algorithm, GEN1_HEADER, signature, signed);
        if (failure != null) {
            throw CallbackRejectedException.unauthorized(failure);
        }
    }

    private void verifyGen2(JsonNode body, RawCallback callback) {
        if (publicKey == null && signingKey == null) {
            throw CallbackRejectedException.unauthorized("gen-2 callbacks cannot be verified: neither "
                    + EllypayProperties.PUBLIC_KEY + " nor " + EllypayProperties.SIGNING_KEY + " is configured");
        }
        JsonNode payload = body.get("payload");
        if (payload == null || !payload.isObject()) {
            throw CallbackRejectedException.badRequest("missing object payload");
        }
        String signed = gen2SignedString(signedText(body, "event"), signedText(payload, "merchant_reference"),
                signedText(payload, "internal_reference"), signedText(payload, "transaction_type"),
                signedText(payload, "transaction_status"));
        String rsa = callback.header(RSA_HEADER);
        String hmac = callback.header(HMAC_HEADER);
        if (absent(rsa) && absent(hmac)) {
            List<String> checkable = new ArrayList<>();
            if (publicKey != null) {
                checkable.add(RSA_HEADER);
            }
            if (signingKey != null) {
                checkable.add(HMAC_HEADER);
            }
            throw CallbackRejectedException.unauthorized("missing " + String.join(" or ", checkable));
        }
        List<String> refusals = new ArrayList<>();
        boolean rsaMismatch = false;
        if (!absent(rsa)) {
            if (publicKey == null) {
                refusals.add(RSA_HEADER + " cannot be verified: " + EllypayProperties.PUBLIC_KEY + " is not configured");
            } else {
                String failure = rsaFailure(GEN2_RSA_ALGORITHM, RSA_HEADER, rsa, signed);
                if (failure == null) {
                    return;
                }
                refusals.add(failure);
                rsaMismatch = true;
            }
        }
        if (!absent(hmac)) {
            if (signingKey == null) {
                refusals.add(HMAC_HEADER + " cannot be verified: " + EllypayProperties.SIGNING_KEY
                        + " is not configured");
            } else {
                String failure = hmacFailure(hmac, signed);
                if (failure == null) {
                    if (rsaMismatch) {
                        log.warn("EllyPay callback accepted on its {} although its {} does not verify: is {} EllyPay's"
                                + " key of this environment?", HMAC_HEADER, RSA_HEADER, EllypayProperties.PUBLIC_KEY);
                    }
                    return;
                }
                refusals.add(failure);
            }
        }
        throw CallbackRejectedException.unauthorized(String.join("; ", refusals));
    }

    /**
     * Why {@code hmac-signature} does not prove {@code signed}, or null when it does: its {@code s} must
     * be there once and be the hex HMAC (either case). Other parts, {@code t} among them, are not read.
     */
    private String hmacFailure(String header, String signed) {
        String hash = null;
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq >= 0 && "s".equals(part.substring(0, eq).strip())) {
                if (hash != null) {
                    return MALFORMED_HMAC;
                }
                hash = part.substring(eq + 1).strip();
            }
        }
        if (absent(hash)) {
            return MALFORMED_HMAC;
        }
        byte[] expected = HmacSha256.hex(signingKey, signed).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = hash.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, actual) ? null : HMAC_HEADER + " does not match";
    }

    /** Why the base64 RSA signature in {@code header} does not prove {@code signed}, or null when it does. */
    private String rsaFailure(String algorithm, String header, String base64, String signed) {
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            return "malformed " + header + "; base64 expected";
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(signed.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(signature) ? null : header + " does not match";
        } catch (SignatureException e) {
            return header + " does not match"; // not a signature of this key's size or encoding
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " cannot verify with the configured public key", e);
        }
    }
    private void checkGen1Algorithm() {
        try {
            Signature signature = Signature.getInstance(gen1Algorithm);
            if (publicKey != null) {
                signature.initVerify(publicKey);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(EllypayProperties.GEN1_SIGNATURE_ALGORITHM + " '" + gen1Algorithm
                    + "' is not an RSA signature algorithm of this JVM (SHA256withRSA or SHA1withRSA expected)", e);
        }
    }

    /** A field as written in the JSON (numbers too), the empty string when absent or null. */
    private static String signedText(JsonNode object, String name) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isValueNode()) {
            throw CallbackRejectedException.badRequest("field " + name + " must be a string");
        }
        return value.asText();
    }

    private static boolean absent(String value) {
        return value == null || value.isBlank();
    }

    /** The string a gen-1 {@code ellypay-signature} signs: {@code id:internal_reference:agent_reference}. */
    public static String gen1SignedString(String id, String internalReference, String agentReference) {
        return String.join(":", orEmpty(id), orEmpty(internalReference), orEmpty(agentReference));
    }

    /**
     * The string gen-2 {@code rsa-signature} and {@code hmac-signature} sign:
     * {@code event:merchant_reference:internal_reference:transaction_type:transaction_status}.
     */
    public static String gen2SignedString(String event, String merchantReference, String internalReference,
            String transactionType, String transactionStatus) {
        return String.join(":", orEmpty(event), orEmpty(merchantReference), orEmpty(internalReference),
                orEmpty(transactionType), orEmpty(transactionStatus));
    }

    /** The key as PEM text ({@code -----BEGIN PUBLIC KEY-----}, X.509), as {@code public-key} accepts it. */
    public static String pem(PublicKey key) {
        if (!"X.509".equals(key.getFormat())) {
            throw new IllegalArgumentException("an X.509-encoded public key is expected, got " + key.getFormat());
        }
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    }

    /**
     * Reads {@code public-key}: PEM text, or {@code file:} and a path to a PEM file. Bare base64 and
     * escaped line breaks ({@code \n} written as two characters, as one-line environment variables
     * often carry them) are accepted too. Anything else stops the start with the property named.
     */
    static PublicKey readPublicKey(String configured) {
        String text = configured.strip();
        if (text.startsWith("file:")) {
            Path path;
            try {
                path = text.startsWith("file://") ? Path.of(URI.create(text)) : Path.of(text.substring("file:".length()));
                text = Files.readString(path, StandardCharsets.US_ASCII);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(EllypayProperties.PUBLIC_KEY + ": cannot read the PEM file " + text
                        + " (" + e + ")", e);
            }
        }
        text = text.replace("\\n", "\n").replace("\\r", "\r");
        String base64;
        Matcher pem = PEM.matcher(text);
        if (pem.find()) {
            if (!"PUBLIC KEY".equals(pem.group(1))) {
                throw new IllegalStateException(EllypayProperties.PUBLIC_KEY + " holds a PEM '" + pem.group(1)
                        + "'; a '-----BEGIN PUBLIC KEY-----' (X.509 SubjectPublicKeyInfo) is expected"
                        + ("RSA PUBLIC KEY".equals(pem.group(1))
                                ? " (convert: openssl rsa -RSAPublicKey_in -in key.pem -pubout)" : ""));
            }
            base64 = pem.group(2);
        } else if (text.contains("-----")) {
            throw new IllegalStateException(EllypayProperties.PUBLIC_KEY
                    + " is not a complete PEM block (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)");
        } else {
            base64 = text;
        }
        try {
            byte[] der = Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalStateException(EllypayProperties.PUBLIC_KEY
                    + " is not an RSA public key in PEM (X.509 SubjectPublicKeyInfo): " + e.getMessage(), e);
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
