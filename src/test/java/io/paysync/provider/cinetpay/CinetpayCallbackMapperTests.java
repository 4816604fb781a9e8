package io.paysync.provider.cinetpay;

import static io.paysync.provider.Callbacks.bodiless;
import static io.paysync.provider.Callbacks.copy;
import static io.paysync.provider.Callbacks.form;
import static io.paysync.provider.Callbacks.formFixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.paysync.payment.Match;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.MappedCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CinetpayCallbackMapperTests {

    /** The 16 fields of the x-token concatenation, in their hash order (PROVIDERS §2.2). */
    private static final List<String> CPM_FIELDS = List.of("cpm_site_id", "cpm_trans_id", "cpm_trans_date",
            "cpm_amount", "cpm_currency", "signature", "payment_method", "cel_phone_num", "cpm_phone_prefixe",
            "cpm_language", "cpm_version", "cpm_payment_config", "cpm_page_action", "cpm_custom", "cpm_designation",
            "cpm_error_message");

    private final CinetpayCallbackMapper mapper = new CinetpayCallbackMapper();

    private static Map<String, List<String>> testVector() {
        return copy(formFixture("cinetpay", "notification.form"));
    }

    private MappedCallback map(Map<String, List<String>> fields) {
        return mapper.map(form("cinetpay", fields));
    }

    private CallbackRejectedException rejection(Map<String, List<String>> fields) {
        return assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> map(fields))
                .actual();
    }

    @Test
    void acceptsGetPingsAndFormPosts() {
        assertThat(mapper.provider()).isEqualTo("cinetpay");
        assertThat(mapper.methods()).containsExactlyInAnyOrder("GET", "POST");
        assertThat(mapper.mediaType()).isEqualTo("application/x-www-form-urlencoded");
    }

    @Test
    void answersTheGetPingWith200AndNoBodyAndRecordsNothing() {
        MappedCallback mapped = mapper.map(bodiless("cinetpay", "GET"));

        assertThat(mapped.update()).isNull();
        assertThat(mapped.ack().status()).isEqualTo(200);
        assertThat(mapped.ack().body()).isNull();
        assertThat(mapped.ack().contentType()).isNull();
        assertThat(mapped.deliveryKey()).isNull();
    }

    @Test
    void registersTheNotificationAsPendingWithWhatItSays() {
        Map<String, List<String>> fields = testVector();
        assertThat(fields).containsOnlyKeys(CPM_FIELDS);

        MappedCallback mapped = map(fields);
        PaymentUpdate update = mapped.update();

        assertThat(update.provider()).isEqualTo("cinetpay");
        assertThat(update.source()).isEqualTo(Source.CALLBACK);
        assertThat(update.match()).isEqualTo(Match.MERCHANT_REFERENCE);
        assertThat(update.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(update.merchantReference()).isEqualTo("ORDER-0001");
        assertThat(update.amount()).isEqualTo(new BigDecimal("100"));
        assertThat(update.currency()).isEqualTo("XOF");
        assertThat(update.payer()).isEqualTo("2250700000000");
        assertThat(update.operator()).isEqualTo("OM");
        assertThat(update.statusReason()).isEqualTo("SUCCES");
        assertThat(update.providerReference()).isNull();
    }

    @Test
    void answersTheNotificationWith200AndNoBody() {
        MappedCallback mapped = map(testVector());

        assertThat(mapped.ack().status()).isEqualTo(200);
        assertThat(mapped.ack().body()).isNull();
        assertThat(mapped.deliveryKey()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SUCCES", "ACCEPTED", "SUCCESS", "REFUSED", "TRANSACTION_CANCEL", "PAYMENT_FAILED"})
    void neverSettlesAPaymentFromTheNotification(String errorMessage) {
        Map<String, List<String>> fields = testVector();
        fields.put("cpm_error_message", List.of(errorMessage));

        PaymentUpdate update = map(fields).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(update.status().isFinal()).isFalse();
        assertThat(update.statusReason()).isEqualTo(errorMessage);
    }

    @Test
    void keepsAFractionalAmountExact() {
        Map<String, List<String>> fields = testVector();
        fields.put("cpm_amount", List.of("100.50"));

        assertThat(map(fields).update().amount()).isEqualByComparingTo("100.5");
    }

    @Test
    void acceptsAnAccentedDesignation() {
        Map<String, List<String>> fields = formFixture("cinetpay", "notification-accented-designation.form");

        assertThat(fields.get("cpm_designation")).containsExactly("Café crème à emporter");
        PaymentUpdate update = map(fields).update();
        assertThat(update.merchantReference()).isEqualTo("ORDER-0002");
        assertThat(update.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(update.statusReason()).isEqualTo("WAITING_FOR_CUSTOMER");
    }

    @Test
    void takesThePayerFromThePhoneAloneWhenThePrefixIsMissing() {
        Map<String, List<String>> fields = testVector();
        fields.remove("cpm_phone_prefixe");

        assertThat(map(fields).update().payer()).isEqualTo("0700000000");
    }

    @Test
    void leavesThePayerUnknownWithoutAPhone() {
        Map<String, List<String>> fields = testVector();
        fields.put("cel_phone_num", List.of(""));

        assertThat(map(fields).update().payer()).isNull();
    }

    @Test
    void rejectsANotificationWithoutTransId() {
        Map<String, List<String>> fields = testVector();
        fields.remove("cpm_trans_id");

        CallbackRejectedException e = rejection(fields);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("cpm_trans_id");
    }

    @Test
    void rejectsAnEmptyTransId() {
        Map<String, List<String>> fields = testVector();
        fields.put("cpm_trans_id", List.of(""));

        assertThat(rejection(fields).getMessage()).contains("cpm_trans_id");
    }

    @Test
    void rejectsATransIdWithASpace() {
        Map<String, List<String>> fields = testVector();
        fields.put("cpm_trans_id", List.of("ORDER 0001"));

        CallbackRejectedException e = rejection(fields);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("cpm_trans_id");
    }

    @Test
    void rejectsANonNumericAmount() {
        Map<String, List<String>> fields = testVector();
        fields.put("cpm_amount", List.of("100 XOF"));

        CallbackRejectedException e = rejection(fields);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("cpm_amount");
    }

    @Test
    void rejectsARepeatedTransId() {
        Map<String, List<String>> fields = testVector();
        fields.put("cpm_trans_id", List.of("ORDER-0001", "ORDER-0002"));

        CallbackRejectedException e = rejection(fields);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("cpm_trans_id");
    }

    /**
     * Every field of the x-token concatenation must be single: a repeated one makes the signed
     * string ambiguous (CallbackFields.form), whether or not the mapper itself reads the field.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpm_site_id", "cpm_trans_id", "cpm_amount", "cpm_currency", "signature",
            "cpm_custom", "cpm_designation", "cpm_error_message"})
    void rejectsAnyRepeatedFormField(String name) {
        Map<String, List<String>> fields = testVector();
        String value = fields.get(name).get(0);
        fields.put(name, List.of(value, value));

        CallbackRejectedException e = rejection(fields);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains(name);
    }

    @Test
    void rejectsAnEmptyForm() {
        CallbackRejectedException e = rejection(Map.of());

        assertThat(e.status()).isEqualTo(400);
    }
}
