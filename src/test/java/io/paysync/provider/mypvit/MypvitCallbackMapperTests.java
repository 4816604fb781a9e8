package io.paysync.provider.mypvit;

import static io.paysync.provider.Callbacks.edit;
import static io.paysync.provider.Callbacks.fixture;
import static io.paysync.provider.Callbacks.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.payment.Match;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.Ack;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.MappedCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MypvitCallbackMapperTests {

    private final ObjectMapper json = new ObjectMapper();
    private final MypvitCallbackMapper mapper = new MypvitCallbackMapper(json);

    private MappedCallback map(String body) {
        return mapper.map(json("mypvit", "POST", body));
    }

    private CallbackRejectedException rejection(String body) {
        return assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> map(body))
                .actual();
    }

    private JsonNode tree(String text) throws Exception {
        return json.readTree(text);
    }

    @Test
    void acceptsJsonPostsOnly() {
        assertThat(mapper.provider()).isEqualTo("mypvit");
        assertThat(mapper.methods()).containsExactly("POST");
        assertThat(mapper.mediaType()).isEqualTo("application/json");
    }

    @Test
    void mapsTheDocumentedSuccessCallbackToSuccess() {
        PaymentUpdate update = map(fixture("mypvit", "callback-success.json")).update();

        assertThat(update.provider()).isEqualTo("mypvit");
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.source()).isEqualTo(Source.CALLBACK);
        assertThat(update.match()).isEqualTo(Match.MERCHANT_REFERENCE);
        assertThat(update.merchantReference()).isEqualTo("LT21774724664");
        assertThat(update.providerReference()).isEqualTo("PAY280326956814");
        assertThat(update.amount()).isEqualTo(new BigDecimal("500"));
        assertThat(update.fees()).isEqualTo(new BigDecimal("10"));
        assertThat(update.payer()).isEqualTo("077000001");
        assertThat(update.operator()).isEqualTo("AIRTEL_MONEY");
        assertThat(update.currency()).isEqualTo("XAF");
        assertThat(update.flags()).isEmpty();
    }

    @Test
    void mapsTheMinimalDocumentedSampleWithoutPayerOrFees() {
        PaymentUpdate update = map(fixture("mypvit", "callback-success-sample.json")).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.merchantReference()).isEqualTo("LT21774724664");
        assertThat(update.providerReference()).isEqualTo("PAY280326956814");
        assertThat(update.amount()).isEqualByComparingTo("500");
        assertThat(update.fees()).isNull();
        assertThat(update.payer()).isNull();
    }

    @Test
    void mapsFailedToFailed() {
        PaymentUpdate update = map(fixture("mypvit", "callback-failed.json")).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.FAILED);
        assertThat(update.merchantReference()).isEqualTo("LT21774724665");
        assertThat(update.providerReference()).isEqualTo("PAY280326956815");
        assertThat(update.amount()).isEqualTo(new BigDecimal("1500"));
        assertThat(update.operator()).isEqualTo("MOOV_MONEY");
    }

    @Test
    void mapsTheSnakeCaseNotificationToPending() {
        PaymentUpdate update = map(fixture("mypvit", "notification-pending-snake-case.json")).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(update.merchantReference()).isEqualTo("V4cHobJKUt");
        assertThat(update.providerReference()).isEqualTo("PAY260226747050");
        assertThat(update.operator()).isEqualTo("AIRTEL_MONEY");
        assertThat(update.currency()).isEqualTo("XAF");
        assertThat(update.statusReason()).startsWith("Your payment request V4cHobJKUt has been successfully initiated");
    }

    /** PostgreSQL cannot store NUL: refused with 400 before the acknowledgement, not stuck after it. */
    @Test
    void refusesControlCharactersInFreeTextFieldsNamingTheFieldAndTheCharacter() {
        String[][] cases = {
            {"customerID", "077\0" + "001", "character 4 is U+0000"},
            {"message", "paid\0", "character 5 is U+0000"},
            {"operator", "\u001b[2JAIRTEL", "character 1 is U+001B"},
            {"message", "ring\u0007", "character 5 is U+0007"},
        };
        for (String[] c : cases) {
            CallbackRejectedException e = rejection(edit(fixture("mypvit", "callback-success.json"),
                    body -> body.put(c[0], c[1])));

            assertThat(e.status()).as(c[0]).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo("field " + c[0] + " must not contain control characters; " + c[2]);
        }
    }

    @Test
    void keepsTabsAndLineBreaksInTheMessage() {
        PaymentUpdate update = map(edit(fixture("mypvit", "callback-success.json"),
                body -> body.put("message", "paid\tin full\r\nthank you"))).update();

        assertThat(update.statusReason()).isEqualTo("paid\tin full\r\nthank you");
    }

    @Test
    void readsAFractionalAmountAsAnExactDecimal() {
        PaymentUpdate update = map(edit(fixture("mypvit", "callback-success.json"), body -> {
            body.put("amount", new BigDecimal("500.10"));
            body.put("fees", new BigDecimal("0.1"));
        })).update();

        assertThat(update.amount()).isEqualByComparingTo("500.10");
        assertThat(update.fees()).isEqualByComparingTo("0.1");
    }

    @Test
    void echoesCodeWithItsOriginalType() throws Exception {
        Ack numeric = map(fixture("mypvit", "callback-success.json")).ack();
        Ack text = map(fixture("mypvit", "callback-code-as-string.json")).ack();

        assertThat(tree(numeric.body()).get("responseCode").isNumber()).isTrue();
        assertThat(tree(numeric.body()))
                .isEqualTo(tree("{\"responseCode\":200,\"transactionId\":\"PAY280326956814\"}"));
        assertThat(tree(text.body()).get("responseCode").isTextual()).isTrue();
        assertThat(tree(text.body()))
                .isEqualTo(tree("{\"responseCode\":\"200\",\"transactionId\":\"PAY280326956814\"}"));
    }

    @Test
    void echoesCodeAndTransactionIdAsSentNeverConstants() throws Exception {
        Ack ack = map(fixture("mypvit", "callback-failed.json")).ack();

        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.contentType()).isEqualTo("application/json");
        assertThat(tree(ack.body())).isEqualTo(tree("{\"responseCode\":400,\"transactionId\":\"PAY280326956815\"}"));
    }

    @Test
    void putsResponseCodeBeforeTransactionIdInTheAck() throws Exception {
        Ack ack = map(fixture("mypvit", "callback-success.json")).ack();

        assertThat(tree(ack.body()).fieldNames()).toIterable().containsExactly("responseCode", "transactionId");
    }

    @Test
    void echoesTheSnakeCaseStatusCodeAndReferenceId() throws Exception {
        Ack ack = map(fixture("mypvit", "notification-pending-snake-case.json")).ack();

        assertThat(tree(ack.body())).isEqualTo(tree("{\"responseCode\":\"200\",\"transactionId\":\"PAY260226747050\"}"));
        assertThat(tree(ack.body()).fieldNames()).toIterable().containsExactly("responseCode", "transactionId");
    }

    @Test
    void rejectsACallbackWithoutCodeNamingTheField() {
        CallbackRejectedException e = rejection(edit(fixture("mypvit", "callback-success.json"),
                body -> body.remove("code")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("code");
    }

    @Test
    void rejectsACallbackWithoutTransactionIdNamingTheField() {
        CallbackRejectedException e = rejection(edit(fixture("mypvit", "callback-success.json"),
                body -> body.remove("transactionId")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("transactionId");
    }

    @Test
    void rejectsACallbackWithoutMerchantReference() {
        CallbackRejectedException e = rejection(edit(fixture("mypvit", "callback-success.json"),
                body -> body.remove("merchantReferenceId")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("merchantReferenceId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SUCCESSFUL", "success", "COMPLETED", ""})
    void rejectsAnUnknownStatus(String status) {
        CallbackRejectedException e = rejection(edit(fixture("mypvit", "callback-success.json"),
                body -> body.put("status", status)));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("status");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"transactionId\":\"PAY280326956814\",", "not json", "[1,2]", "\"SUCCESS\""})
    void rejectsAMalformedBody(String body) {
        assertThat(rejection(body).status()).isEqualTo(400);
    }

    @Test
    void rejectsAnEmptyBody() {
        assertThat(rejection(null).status()).isEqualTo(400);
    }

    @Test
    void rejectsAMerchantReferenceWithASpace() {
        CallbackRejectedException e = rejection(edit(fixture("mypvit", "callback-success.json"),
                body -> body.put("merchantReferenceId", "LT2 1774724664")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("merchantReferenceId");
    }

    @Test
    void rejectsAMerchantReferenceLongerThan100Characters() {
        CallbackRejectedException e = rejection(edit(fixture("mypvit", "callback-success.json"),
                body -> body.put("merchantReferenceId", "R".repeat(101))));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("merchantReferenceId");
    }

    @Test
    void acceptsAMerchantReferenceOfExactly100Characters() {
        String reference = "R".repeat(100);

        PaymentUpdate update = map(edit(fixture("mypvit", "callback-success.json"),
                body -> body.put("merchantReferenceId", reference))).update();

        assertThat(update.merchantReference()).isEqualTo(reference);
    }

    @Test
    void rejectsATransactionIdWithASpace() {
        CallbackRejectedException e = rejection(edit(fixture("mypvit", "callback-success.json"),
                body -> body.put("transactionId", "PAY 280326956814")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("transactionId");
    }

    @Test
    void matchesReferencesWithoutDashes() {
        assertThat(mapper.matchKey("LT-2-1774724664")).isEqualTo("LT21774724664");
        assertThat(mapper.matchKey("LT21774724664")).isEqualTo("LT21774724664");
    }
}
