package io.paysync.provider.virtualpay;

import static io.paysync.provider.Callbacks.edit;
import static io.paysync.provider.Callbacks.fixture;
import static io.paysync.provider.Callbacks.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.payment.Flag;
import io.paysync.payment.Match;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.Ack;
import io.paysync.provider.CallbackMapper;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.MappedCallback;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualpayCallbackMapperTests {

    private static final String COMPLETE = "transfer-static-complete.json";

    private final ObjectMapper json = new ObjectMapper();
    private final VirtualpayCallbackMapper mapper = new VirtualpayCallbackMapper(json);

    private MappedCallback map(String body) {
        return mapper.map(json("virtualpay", "POST", body));
    }

    private CallbackRejectedException rejection(String body) {
        return assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> map(body))
                .actual();
    }

    @Test
    void acceptsJsonPostsOnly() {
        assertThat(mapper.provider()).isEqualTo("virtualpay");
        assertThat(mapper.methods()).containsExactly("POST");
        assertThat(mapper.mediaType()).isEqualTo("application/json");
    }

    @Test
    void mapsTheDocumentedTransferToSuccess() {
        PaymentUpdate update = map(fixture("virtualpay", COMPLETE)).update();

        assertThat(update.provider()).isEqualTo("virtualpay");
        assertThat(update.source()).isEqualTo(Source.CALLBACK);
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.match()).isEqualTo(Match.VIRTUAL_ACCOUNT);
        assertThat(update.merchantReference()).isEqualTo("VPAYTO1287139954");
        assertThat(update.providerReference()).isEqualTo("VPAYTO1287139954");
        assertThat(update.virtualAccount()).isEqualTo("1444624445");
        assertThat(update.customerId()).isEqualTo("CUST0001");
        assertThat(update.amount()).isEqualTo(new BigDecimal("1000.00"));
        assertThat(update.amount()).isEqualByComparingTo(BigDecimal.valueOf(1000));
        assertThat(update.currency()).isEqualTo("NGN");
        assertThat(update.fees()).isEqualTo(new BigDecimal("10.75"));
        assertThat(update.payer()).isEqualTo("0123456789");
        assertThat(update.operator()).isEqualTo("ACCESS BANK");
        assertThat(update.statusReason()).isEqualTo("Complete");
        assertThat(update.flags()).isEmpty();
    }

    @Test
    void mapsAnAmountMismatchToSuccessFlagged() {
        PaymentUpdate update = map(fixture("virtualpay", "transfer-amount-mismatch.json")).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.flags()).containsExactly(Flag.AMOUNT_MISMATCH);
        assertThat(update.amount()).isEqualByComparingTo("900");
        assertThat(update.statusReason()).isEqualTo("Amount Mismatch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "51", "99", "0"})
    void mapsAnyOtherResponseCodeToFailed(String code) {
        PaymentUpdate update = map(edit(fixture("virtualpay", COMPLETE), body -> {
            body.put("tran_response_code", code);
            body.put("tran_response_message", "Failed Request");
        })).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.FAILED);
        assertThat(update.flags()).isEmpty();
        assertThat(update.statusReason()).contains(code).contains("Failed Request");
    }

    @Test
    void doesNotFlagAMismatchOnAFailedTransfer() {
        PaymentUpdate update = map(edit(fixture("virtualpay", "transfer-amount-mismatch.json"),
                body -> body.put("tran_response_code", "99"))).update();

        assertThat(update.status()).isEqualTo(PaymentStatus.FAILED);
        assertThat(update.flags()).doesNotContain(Flag.AMOUNT_MISMATCH);
    }

    @Test
    void identifiesRepeatsByTransactionReference() {
        MappedCallback mapped = map(fixture("virtualpay", COMPLETE));

        assertThat(mapped.deliveryKey()).isEqualTo("VPAYTO1287139954");
    }

    @Test
    void acknowledgesWithTheDocumentedSuccessBody() throws Exception {
        Ack ack = map(fixture("virtualpay", COMPLETE)).ack();

        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.contentType()).isEqualTo("application/json");
        assertThat(ack.body()).isEqualTo("{\"response_code\":\"00\",\"response_message\":\"Successful Request\"}");
        assertThat(json.readTree(ack.body()).get("response_code").isTextual()).isTrue();
    }

    @Test
    void acknowledgesARepeatWithTheDocumentedDuplicateBody() {
        Ack duplicate = map(fixture("virtualpay", COMPLETE)).duplicateAck();

        assertThat(duplicate.status()).isEqualTo(200);
        assertThat(duplicate.contentType()).isEqualTo("application/json");
        assertThat(duplicate.body()).isEqualTo("{\"response_code\":\"98\",\"response_message\":\"Duplicate Transaction\"}");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 413, 415, 503})
    void refusesWithTheDocumentedFailureBodyInsteadOfProblemJson(int status) {
        Ack refusal = mapper.rejection(status, "{\"type\":\"about:blank\",\"status\":" + status + "}");

        assertThat(refusal.status()).isEqualTo(status);
        assertThat(refusal.contentType()).isEqualTo("application/json");
        assertThat(refusal.body()).isEqualTo("{\"response_code\":\"99\",\"response_message\":\"Failed Request\"}");
    }

    @Test
    void rejectsATransferWithoutTransactionReference() {
        CallbackRejectedException e = rejection(edit(fixture("virtualpay", COMPLETE),
                body -> body.remove("transaction_reference")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("transaction_reference");
    }

    @Test
    void rejectsATransferWithoutVirtualAccount() {
        CallbackRejectedException e = rejection(edit(fixture("virtualpay", COMPLETE),
                body -> body.remove("virtual_account_no")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("virtual_account_no");
    }

    @Test
    void rejectsATransferWithoutResponseCode() {
        CallbackRejectedException e = rejection(edit(fixture("virtualpay", COMPLETE),
                body -> body.remove("tran_response_code")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("tran_response_code");
    }

    @Test
    void rejectsANonNumericAmount() {
        CallbackRejectedException e = rejection(edit(fixture("virtualpay", COMPLETE),
                body -> body.put("transaction_amount", "NGN 1,000.00")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("transaction_amount");
    }

    @Test
    void rejectsANulInTheCustomerId() {
        CallbackRejectedException e = rejection(edit(fixture("virtualpay", COMPLETE),
                body -> body.put("customer_id", "CUST\0" + "0001")));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage())
                .isEqualTo("field customer_id must not contain control characters; character 5 is U+0000");
    }

    /** The status reason joins code and message: the canonical check refuses what the mapper let through. */
    @Test
    void rejectsANulInTheStatusReasonBeforeTheCallbackIsRecorded() {
        String failed = edit(fixture("virtualpay", COMPLETE), body -> {
            body.put("tran_response_code", "51");
            body.put("tran_response_message", "Insufficient\0funds");
        });
        assertThat(map(failed).update().statusReason()).isEqualTo("tran_response_code 51 Insufficient\0funds");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(CallbackMapper.RAW_CALLBACK, json("virtualpay", "POST", failed));

        CallbackRejectedException e = assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> mapper.process(exchange))
                .actual();

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage())
                .isEqualTo("field statusReason must not contain control characters; character 35 is U+0000");
        assertThat(exchange.getProperty(CallbackMapper.MAPPED_CALLBACK)).isNull();
    }

    @Test
    void rejectsMalformedJson() {
        assertThat(rejection("{\"transaction_reference\":\"VPAYTO1287139954\"").status()).isEqualTo(400);
    }
}
