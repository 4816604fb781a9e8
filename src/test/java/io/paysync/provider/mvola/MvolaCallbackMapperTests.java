package io.paysync.provider.mvola;

import static io.paysync.provider.Callbacks.edit;
import static io.paysync.provider.Callbacks.fixture;
import static io.paysync.provider.Callbacks.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.math.BigDecimal;

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

class MvolaCallbackMapperTests {

    private static final String CORRELATION_ID = "421a22a2-ef1d-42bc-9452-f4939a3d5cdf";

    private final MvolaCallbackMapper mapper = new MvolaCallbackMapper(new ObjectMapper());

    private MappedCallback map(String body) {
        return mapper.map(json("mvola", "PUT", body));
    }

    private CallbackRejectedException rejection(String body) {
        return assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> map(body))
                .actual();
    }

    @Test
    void acceptsJsonPutsOnly() {
        assertThat(mapper.provider()).isEqualTo("mvola");
        assertThat(mapper.methods()).containsExactly("PUT");
        assertThat(mapper.mediaType()).isEqualTo("application/json");
    }

    @Test
    void mapsTheDocumentedSuccessCallbackByServerCorrelationId() {
        PaymentUpdate update = map(fixture("mvola", "callback-completed.json")).update();

        assertThat(update.provider()).isEqualTo("mvola");
        assertThat(update.source()).isEqualTo(Source.CALLBACK);
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.match()).isEqualTo(Match.PROVIDER_REFERENCE);
        assertThat(update.providerReference()).isEqualTo(CORRELATION_ID);
        assertThat(update.merchantReference()).isNull();
        assertThat(update.payer()).isEqualTo("33555123456");
        assertThat(update.fees()).isEqualTo(new BigDecimal("5.46"));
        assertThat(update.operator()).isEqualTo("MVOLA");
        assertThat(update.amount()).isNull();
        assertThat(update.flags()).isEmpty();
    }

    @Test
    void mapsTheDocumentedFailureCallbackWithoutFeesToFailed() {
        PaymentUpdate update = map(fixture("mvola", "callback-failed.json")).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.FAILED);
        assertThat(update.match()).isEqualTo(Match.PROVIDER_REFERENCE);
        assertThat(update.providerReference()).isEqualTo(CORRELATION_ID);
        assertThat(update.fees()).isNull();
        assertThat(update.payer()).isEqualTo("33555123456");
    }

    @Test
    void mapsPendingToPending() {
        PaymentUpdate update = map(edit(fixture("mvola", "callback-failed.json"),
                body -> body.put("transactionStatus", "pending"))).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(update.providerReference()).isEqualTo(CORRELATION_ID);
    }

    @Test
    void takesThePayerFromTheDebitPartyNotTheCreditParty() {
        PaymentUpdate update = map(edit(fixture("mvola", "callback-completed.json"), body -> {
            body.putArray("debitParty").addObject().put("key", "msisdn").put("value", "0343500003");
            body.putArray("creditParty").addObject().put("key", "msisdn").put("value", "0343500004");
        })).update();

        assertThat(update.payer()).isEqualTo("0343500003");
    }

    @Test
    void refusesANulInThePayersMsisdn() {
        String nul = edit(fixture("mvola", "callback-completed.json"),
                body -> body.putArray("debitParty").addObject().put("key", "msisdn").put("value", "0343\0" + "500003"));

        CallbackRejectedException e = rejection(nul);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage())
                .isEqualTo("field debitParty.value must not contain control characters; character 5 is U+0000");
    }

    @Test
    void acknowledgesWithReceived() {
        Ack ack = map(fixture("mvola", "callback-completed.json")).ack();

        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.contentType()).isEqualTo("application/json");
        assertThat(ack.body()).isEqualTo("{\"status\":\"RECEIVED\"}");
    }

    @Test
    void rejectsACallbackWithoutServerCorrelationId() {
        CallbackRejectedException e = rejection(edit(fixture("mvola", "callback-completed.json"),
                body -> body.remove("serverCorrelationId")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("serverCorrelationId");
    }

    @Test
    void rejectsACallbackWithoutTransactionStatus() {
        CallbackRejectedException e = rejection(edit(fixture("mvola", "callback-completed.json"),
                body -> body.remove("transactionStatus")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("transactionStatus");
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMPLETED", "success", "cancelled", "accepted"})
    void rejectsAnUnknownTransactionStatus(String status) {
        CallbackRejectedException e = rejection(edit(fixture("mvola", "callback-completed.json"),
                body -> body.put("transactionStatus", status)));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("transactionStatus");
    }

    @Test
    void rejectsMalformedJson() {
        assertThat(rejection("{\"transactionStatus\":\"completed\",}").status()).isEqualTo(400);
    }
}
