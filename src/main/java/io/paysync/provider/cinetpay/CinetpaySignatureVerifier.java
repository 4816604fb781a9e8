package io.paysync.provider.cinetpay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.HmacSha256;
import io.paysync.provider.RawCallback;
import io.paysync.provider.SignatureVerifier;
import org.springframework.stereotype.Component;

/**
 * CinetPay's {@code x-token} (PROVIDERS.md §2.2): lowercase hex HMAC-SHA256, keyed with the
 * back-office Secret Key, over the plain concatenation of sixteen form fields in a fixed order
 * ({@code cpm_site_id} first, {@code cpm_error_message} last; a missing field counts as empty).
 * The values are taken exactly as decoded once from the form, accents included, never re-encoded
 * or trimmed (§2.5 pitfall 4e); the token is compared in constant time and case-insensitively
 * (pitfall 4d). A field given twice is refused before anything is computed: which of its values
 * was signed cannot be known.
 *
 * <p>The GET availability ping carries nothing to verify and passes. Without a configured Secret
 * Key every notification is refused: what cannot be verified is not accepted.
 */
@Component("cinetpaySignatureVerifier")
public class CinetpaySignatureVerifier implements SignatureVerifier {

    static final String HEADER = "x-token";

    /** The fields of the x-token, in their hash order (PROVIDERS.md §2.2). */
    static final List<String> SIGNED_FIELDS = List.of("cpm_site_id", "cpm_trans_id", "cpm_trans_date",
            "cpm_amount", "cpm_currency", "signature", "payment_method", "cel_phone_num", "cpm_phone_prefixe",
            "cpm_language", "cpm_version", "cpm_payment_config", "cpm_page_action", "cpm_custom", "cpm_designation",
            "cpm_error_message");

    private final CinetpayProperties properties;

    CinetpaySignatureVerifier(CinetpayProperties properties) {
        this.properties = properties;
    }

    @Override
    public String provider() {
        return CinetpayCallbackMapper.PROVIDER;
    }

    @Override
    public void verify(RawCallback callback) {
        if ("GET".equals(callback.method())) {
            return;
        }
        if (!properties.hasSecretKey()) {
            throw CallbackRejectedException.unauthorized("x-token cannot be verified: "
                    + CinetpayProperties.SECRET_KEY + " is not configured");
        }
        String received = callback.header(HEADER);
        if (received == null || received.isBlank()) {
            throw CallbackRejectedException.unauthorized("missing x-token");
        }
        CallbackFields.singleValued(callback);
        Map<String, String> fields = new HashMap<>();
        callback.form().forEach((name, values) -> {
            if (!values.isEmpty()) {
                fields.put(name, values.get(0));
            }
        });
        byte[] expected = xToken(fields, properties.secretKey()).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = received.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw CallbackRejectedException.unauthorized("x-token does not match");
        }
    }

    /**
     * The x-token CinetPay sends for these form fields (decoded values; a missing field counts as
     * the empty string), as lowercase hex. Tests use it to sign the notifications they send.
     */
    public static String xToken(Map<String, String> fields, String secretKey) {
        StringBuilder data = new StringBuilder();
        for (String name : SIGNED_FIELDS) {
            String value = fields.get(name);
            if (value != null) {
                data.append(value);
            }
        }
        return HmacSha256.hex(secretKey, data.toString());
    }
}
