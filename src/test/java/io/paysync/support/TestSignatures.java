package io.paysync.support;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.provider.HmacSha256;
import io.paysync.provider.cinetpay.CinetpaySignatureVerifier;
import io.paysync.provider.ellypay.EllypaySignatureVerifier;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Signs test callbacks as the providers do. The EllyPay key pair is generated for this test run:
 * no key material lives in the repository.
 */
public final class TestSignatures {

    public static final String CINETPAY_SECRET = "TEST_SECRET_KEY";
    public static final String ELLYPAY_SIGNING_KEY = "TEST_SIGNING_KEY";
    public static final KeyPair ELLYPAY = keyPair();
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestSignatures() {
    }

    /** Configures paysync with the test keys. */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("paysync.providers.ellypay.public-key", () -> EllypaySignatureVerifier.pem(ELLYPAY.getPublic()));
        registry.add("paysync.providers.ellypay.signing-key", () -> ELLYPAY_SIGNING_KEY);
        registry.add("paysync.providers.cinetpay.secret-key", () -> CINETPAY_SECRET);
    }

    /** The EllyPay signature header for a gen-1 or gen-2 body, signed with the configured test key. */
    public static Map<String, String> ellypay(String body) {
        return ellypay(body, ELLYPAY.getPrivate());
    }

    /**
     * The EllyPay signature header of a body signed with {@code key}, computed from its fields as
     * the verifier reads them (absent or null: empty; numbers as written), so that bodies with odd
     * fields are signed too.
     */
    public static Map<String, String> ellypay(String body, PrivateKey key) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        if (json.has("event") || json.has("payload")) {
            JsonNode p = json.path("payload");
            return Map.of("rsa-signature", rsa(key, "SHA256withRSA", EllypaySignatureVerifier.gen2SignedString(
                    field(json, "event"), field(p, "merchant_reference"), field(p, "internal_reference"),
                    field(p, "transaction_type"), field(p, "transaction_status"))));
        }
        return Map.of("ellypay-signature", rsa(key, "SHA256withRSA", EllypaySignatureVerifier.gen1SignedString(
                field(json, "id"), field(json, "internal_reference"), field(json, "agent_reference"))));
    }

    private static String field(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? "" : value.asText();
    }

    /** The gen-2 {@code hmac-signature} header for a body, stamped {@code epochSeconds}. */
    public static Map<String, String> ellypayHmac(String body, long epochSeconds) {
        JsonNode p;
        JsonNode json;
        try {
            json = JSON.readTree(body);
            p = json.get("payload");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        String signed = EllypaySignatureVerifier.gen2SignedString(json.path("event").asText(),
                p.path("merchant_reference").asText(), p.path("internal_reference").asText(),
                p.path("transaction_type").asText(), p.path("transaction_status").asText());
        return Map.of("hmac-signature", "t=" + epochSeconds + ",s="
                + HmacSha256.hex(ELLYPAY_SIGNING_KEY, signed));
    }

    /** The CinetPay x-token header for a form-urlencoded body. */
    public static Map<String, String> cinetpay(String form) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return Map.of("x-token", CinetpaySignatureVerifier.xToken(fields, CINETPAY_SECRET));
    }

    /** A base64 signature of {@code data} with {@code key} ({@code algorithm}: SHA256withRSA, SHA1withRSA…). */
    public static String rsa(PrivateKey key, String algorithm, String data) {
        try {
            Signature signature = Signature.getInstance(algorithm);
            signature.initSign(key);
            signature.update(data.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh 2048-bit RSA key pair. */
    public static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
