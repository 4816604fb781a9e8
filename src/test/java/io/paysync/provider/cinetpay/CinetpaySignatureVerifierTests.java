package io.paysync.provider.cinetpay;

import static io.paysync.provider.Callbacks.bodiless;
import static io.paysync.provider.Callbacks.copy;
import static io.paysync.provider.Callbacks.formFixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.Callbacks;
import io.paysync.provider.RawCallback;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class CinetpaySignatureVerifierTests {

    private static final String SECRET = "TEST_SECRET_KEY";
    /** PROVIDERS.md §6: the x-token of the test vector under {@link #SECRET}. */
    private static final String VECTOR_TOKEN = "e4d3b2802f7ef3c269eb6d89895208754162ac042f29a05b5b8df0db3f303730";

    private final CinetpaySignatureVerifier verifier = new CinetpaySignatureVerifier(new CinetpayProperties(SECRET));

    /** The §6 test vector, field by field as the document lists it. */
    private static Map<String, String> vectorFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("cpm_site_id", "123456");
        fields.put("cpm_trans_id", "ORDER-0001");
        fields.put("cpm_trans_date", "2022-09-15 22:57:15");
        fields.put("cpm_amount", "100");
        fields.put("cpm_currency", "XOF");
        fields.put("signature", "abc123");
        fields.put("payment_method", "OM");
        fields.put("cel_phone_num", "0700000000");
        fields.put("cpm_phone_prefixe", "225");
        fields.put("cpm_language", "fr");
        fields.put("cpm_version", "V4");
        fields.put("cpm_payment_config", "Single");
        fields.put("cpm_page_action", "Payment");
        fields.put("cpm_custom", "");
        fields.put("cpm_designation", "Test");
        fields.put("cpm_error_message", "SUCCES");
        return fields;
    }

    private static Map<String, List<String>> vectorForm() {
        return copy(formFixture("cinetpay", "notification.form"));
    }

    /** A form POST as the request reader leaves it, with {@code x-token} when not null. */
    private static RawCallback post(Map<String, List<String>> fields, String token) {
        RawCallback form = Callbacks.form("cinetpay", fields);
        Map<String, String> headers = new HashMap<>(form.headers());
        if (token != null) {
            headers.put("x-token", token);
        }
        return new RawCallback(form.provider(), form.method(), form.path(), form.contentType(), headers, form.query(),
                form.form(), form.body(), form.bodySize(), form.remoteAddress(), form.receivedAt());
    }

    /** HMAC-SHA256 hex computed here, independently of the verifier. */
    private static String hmacSha256Hex(String secret, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    private CallbackRejectedException rejection(CinetpaySignatureVerifier verifier, RawCallback callback) {
        return assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> verifier.verify(callback))
                .actual();
    }

    @Test
    void reproducesTheDocumentedTestVector() {
        assertThat(CinetpaySignatureVerifier.xToken(vectorFields(), SECRET)).isEqualTo(VECTOR_TOKEN);
    }

    @Test
    void acceptsTheDocumentedNotificationWithItsToken() {
        assertThat(verifier.provider()).isEqualTo("cinetpay");
        assertThatCode(() -> verifier.verify(post(vectorForm(), VECTOR_TOKEN))).doesNotThrowAnyException();
    }

    @Test
    void acceptsTheTokenInUppercaseHex() {
        assertThatCode(() -> verifier.verify(post(vectorForm(), VECTOR_TOKEN.toUpperCase())))
                .doesNotThrowAnyException();
    }

    @Test
    void signsAccentedValuesAsDecodedOnceInUtf8() throws Exception {
        Map<String, List<String>> fields = vectorForm();
        fields.put("cpm_designation", List.of("Café crème"));
        String expected = hmacSha256Hex(SECRET, "123456ORDER-00012022-09-15 22:57:15100XOFabc123OM0700000000225frV4"
                + "SinglePaymentCafé crèmeSUCCES");

        assertThatCode(() -> verifier.verify(post(fields, expected))).doesNotThrowAnyException();

        // a token over the re-encoded value is not CinetPay's
        String overEncoded = hmacSha256Hex(SECRET, "123456ORDER-00012022-09-15 22:57:15100XOFabc123OM0700000000225frV4"
                + "SinglePaymentCaf%C3%A9+cr%C3%A8meSUCCES");
        assertThat(rejection(verifier, post(fields, overEncoded)).status()).isEqualTo(401);
    }

    @Test
    void refusesANotificationWhoseFieldWasChanged() {
        Map<String, List<String>> fields = vectorForm();
        fields.put("cpm_amount", List.of("1000"));

        CallbackRejectedException rejected = rejection(verifier, post(fields, VECTOR_TOKEN));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).isEqualTo("x-token does not match");
    }

    @Test
    void refusesATokenKeyedWithAnotherSecret() throws Exception {
        String keyedWithApikey = CinetpaySignatureVerifier.xToken(vectorFields(), "THE_APIKEY");

        assertThat(keyedWithApikey).isNotEqualTo(VECTOR_TOKEN);
        assertThat(rejection(verifier, post(vectorForm(), keyedWithApikey)).status()).isEqualTo(401);
    }

    @Test
    void refusesANotificationWithoutXToken() {
        CallbackRejectedException rejected = rejection(verifier, post(vectorForm(), null));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).isEqualTo("missing x-token");
    }

    @Test
    void refusesEveryNotificationWhenNoSecretKeyIsConfigured() {
        for (String secret : new String[] {null, "", "  "}) {
            CinetpaySignatureVerifier unconfigured = new CinetpaySignatureVerifier(new CinetpayProperties(secret));

            CallbackRejectedException rejected = rejection(unconfigured, post(vectorForm(), VECTOR_TOKEN));

            assertThat(rejected.status()).isEqualTo(401);
            assertThat(rejected.getMessage()).contains("paysync.providers.cinetpay.secret-key");
        }
    }

    @Test
    void countsAMissingFieldAsTheEmptyString() throws Exception {
        Map<String, List<String>> fields = vectorForm();
        fields.remove("cpm_error_message");
        fields.remove("cpm_custom");
        String expected = hmacSha256Hex(SECRET,
                "123456ORDER-00012022-09-15 22:57:15100XOFabc123OM0700000000225frV4SinglePaymentTest");

        assertThat(CinetpaySignatureVerifier.xToken(Map.of(), SECRET)).isEqualTo(hmacSha256Hex(SECRET, ""));
        assertThatCode(() -> verifier.verify(post(fields, expected))).doesNotThrowAnyException();
        // the token of the complete notification does not cover the shortened one
        assertThat(rejection(verifier, post(fields, VECTOR_TOKEN)).status()).isEqualTo(401);
    }

    @Test
    void refusesAFieldGivenTwiceEvenWithAValidToken() {
        Map<String, List<String>> fields = vectorForm();
        fields.put("cpm_amount", List.of("100", "5"));

        CallbackRejectedException rejected = rejection(verifier, post(fields, VECTOR_TOKEN));

        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.getMessage()).contains("cpm_amount");
    }

    @Test
    void ignoresFieldsOutsideTheToken() {
        Map<String, List<String>> fields = vectorForm();
        fields.put("cpm_result", List.of("00"));

        assertThatCode(() -> verifier.verify(post(fields, VECTOR_TOKEN))).doesNotThrowAnyException();
    }

    @Test
    void letsTheGetPingThroughWithoutAToken() {
        CinetpaySignatureVerifier unconfigured = new CinetpaySignatureVerifier(new CinetpayProperties(null));

        assertThatCode(() -> unconfigured.verify(bodiless("cinetpay", "GET"))).doesNotThrowAnyException();
        // …but not a POST without data
        assertThat(rejection(unconfigured, bodiless("cinetpay", "POST")).status()).isEqualTo(401);
    }

    @Test
    void bindsTheSecretKeyAndKeepsItOutOfToString() {
        CinetpayProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.cinetpay.secret-key", "s3cr3t",
                "paysync.providers.cinetpay.base-url", "https://api-checkout.cinetpay.com")))
                .bindOrCreate("paysync.providers.cinetpay", Bindable.of(CinetpayProperties.class));

        assertThat(properties.secretKey()).isEqualTo("s3cr3t");
        assertThat(properties.toString()).doesNotContain("s3cr3t");
    }
}
