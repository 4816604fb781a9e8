package io.paysync.provider.ellypay;

import static io.paysync.provider.Callbacks.edit;
import static io.paysync.provider.Callbacks.fixture;
import static io.paysync.provider.Callbacks.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.payment.Match;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.MappedCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EllypayCallbackMapperTests {

    private final EllypayCallbackMapper mapper = new EllypayCallbackMapper(new ObjectMapper());

    private MappedCallback map(String body) {
        return mapper.map(json("ellypay", "POST", body));
    }

    private CallbackRejectedException rejection(String body) {
        return assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> map(body))
                .actual();
    }

    private static String gen1() {
        return fixture("ellypay", "gen1-successful.json");
    }

    private static String gen2(String file) {
        return fixture("ellypay", file);
    }

    @Test
    void acceptsJsonPostsOnly() {
        assertThat(mapper.provider()).isEqualTo("ellypay");
        assertThat(mapper.methods()).containsExactly("POST");
        assertThat(mapper.mediaType()).isEqualTo("application/json");
    }

    // gen-1 (flat)

    @Test
    void mapsTheGen1SuccessfulCallbackToSuccess() {
        PaymentUpdate update = map(gen1()).update();

        assertThat(update.provider()).isEqualTo("ellypay");
        assertThat(update.source()).isEqualTo(Source.CALLBACK);
        assertThat(update.match()).isEqualTo(Match.MERCHANT_REFERENCE);
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.merchantReference()).isEqualTo("CSTREFYRWWVRKLG6W1P3");
        assertThat(update.providerReference()).isEqualTo("ELPREFYRWWM8FKMBH1A5A");
        assertThat(update.amount()).isEqualByComparingTo("20000");
        assertThat(update.currency()).isEqualTo("UGX");
        assertThat(update.fees()).isEqualTo(new BigDecimal("150.5"));
        assertThat(update.payer()).isEqualTo("04231234567");
        assertThat(update.operator()).isEqualTo("YAKA");
        assertThat(update.statusReason()).isEqualTo("Payment processed successfully");
    }

    @ParameterizedTest
    @CsvSource({"PENDING, PENDING", "SUCCESSFUL, SUCCESS", "FAILED, FAILED", "CANCELLED, CANCELLED"})
    void mapsEveryGen1Status(String status, PaymentStatus expected) {
        PaymentUpdate update = map(edit(gen1(), body -> body.put("status", status))).update();

        assertThat(update.status()).isEqualTo(expected);
        assertThat(update.merchantReference()).isEqualTo("CSTREFYRWWVRKLG6W1P3");
    }

    @Test
    void leavesTheGen1PayerUnknownWithoutDetails() {
        PaymentUpdate update = map(edit(gen1(), body -> body.remove("details"))).update();

        assertThat(update.payer()).isNull();
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
    }

    @Test
    void rejectsAGen1CallbackWithoutAgentReference() {
        CallbackRejectedException e = rejection(edit(gen1(), body -> body.remove("agent_reference")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("agent_reference");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SUCCESS", "COMPLETED", "successful"})
    void rejectsAnUnknownGen1Status(String status) {
        CallbackRejectedException e = rejection(edit(gen1(), body -> body.put("status", status)));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("status");
    }

    // gen-2 ({event, payload})

    @Test
    void mapsTheGen2CompletedCallbackToSuccessFromThePayload() {
        PaymentUpdate update = map(gen2("gen2-completed.json")).update();

        assertThat(update.provider()).isEqualTo("ellypay");
        assertThat(update.match()).isEqualTo(Match.MERCHANT_REFERENCE);
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.merchantReference()).isEqualTo("MCTREFNGKLP5VQCQSBH2");
        assertThat(update.providerReference()).isEqualTo("ELPREFA65BGTFR7NGUXM");
        assertThat(update.amount()).isEqualTo(new BigDecimal("50000"));
        assertThat(update.currency()).isEqualTo("UGX");
        assertThat(update.fees()).isEqualTo(new BigDecimal("1500"));
        assertThat(update.payer()).isEqualTo("256772123456");
        assertThat(update.operator()).isEqualTo("mtn_momo_ug");
        assertThat(update.statusReason()).isEqualTo("Transaction completed successfully");
    }

    @ParameterizedTest
    @CsvSource({
            "gen2-charges.json, PENDING",
            "gen2-processing.json, PENDING",
            "gen2-completed.json, SUCCESS",
            "gen2-failed.json, FAILED"})
    void mapsEveryGen2CollectionEvent(String file, PaymentStatus expected) {
        PaymentUpdate update = map(gen2(file)).update();

        assertThat(update.status()).isEqualTo(expected);
        assertThat(update.merchantReference()).isEqualTo("MCTREFNGKLP5VQCQSBH2");
    }

    @Test
    void mapsGen2CancelledToCancelled() {
        PaymentUpdate update = map(edit(gen2("gen2-failed.json"),
                body -> ((ObjectNode) body.get("payload")).put("transaction_status", "CANCELLED"))).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.CANCELLED);
    }

    @Test
    void keepsTheGen2FailureReason() {
        PaymentUpdate update = map(gen2("gen2-failed.json")).update();

        assertThat(update.statusReason()).isEqualTo("Insufficient balance on the payer account");
    }

    @Test
    void usesTheTransactionCurrencyNotAnImpliedOne() {
        PaymentUpdate update = map(edit(gen2("gen2-completed.json"), body -> {
            ObjectNode payload = (ObjectNode) body.get("payload");
            payload.put("transaction_currency", "KES");
            payload.put("transaction_amount", new BigDecimal("1234.56"));
        })).update();

        assertThat(update.currency()).isEqualTo("KES");
        assertThat(update.amount()).isEqualByComparingTo("1234.56");
    }

    @Test
    void rejectsAGen2CallbackWithoutPayload() {
        CallbackRejectedException e = rejection("{\"event\":\"transaction.completed\"}");

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("payload");
    }

    @Test
    void rejectsAGen2CallbackWhosePayloadIsNotAnObject() {
        CallbackRejectedException e = rejection(edit(gen2("gen2-completed.json"),
                body -> body.put("payload", "COMPLETED")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("payload");
    }

    @Test
    void rejectsAGen2CallbackWithoutMerchantReference() {
        CallbackRejectedException e = rejection(edit(gen2("gen2-completed.json"),
                body -> ((ObjectNode) body.get("payload")).remove("merchant_reference")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("merchant_reference");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SUCCESSFUL", "SUCCESS", "completed", "REVERSED"})
    void rejectsAnUnknownGen2Status(String status) {
        CallbackRejectedException e = rejection(edit(gen2("gen2-completed.json"),
                body -> ((ObjectNode) body.get("payload")).put("transaction_status", status)));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("transaction_status");
    }

    @Test
    void rejectsMalformedJson() {
        assertThat(rejection("{\"event\":").status()).isEqualTo(400);
    }

    // ack

    @ParameterizedTest
    @ValueSource(strings = {"gen1-successful.json", "gen2-charges.json", "gen2-completed.json"})
    void answers200WithoutBody(String file) {
        MappedCallback mapped = map(fixture("ellypay", file));

        assertThat(mapped.ack().status()).isEqualTo(200);
        assertThat(mapped.ack().body()).isNull();
        assertThat(mapped.ack().contentType()).isNull();
        assertThat(mapped.deliveryKey()).isNull();
    }
}
