package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.support.CleanDatabase;
import io.paysync.support.PublicPort;
import io.paysync.support.SwitchableDataSource;
import io.paysync.support.TestSignatures;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The callback contract (CONTRACT §2–§5) over real HTTP, against a running paysync: exact
 * acknowledgements, durability before the ack, state rules, exactly-once downstream delivery,
 * refusals and the merchant API. Runs once per database (see the subclasses).
 *
 * <p>Every test uses references of its own, so the tests share one application context.
 */
abstract class CallbackPipelineContract extends PaysyncHttpTestSupport {

    // ---------------------------------------------------------------- MyPVit


    @Test
    void mypvitAckEchoesTransactionIdAndCodeWithTheirOriginalTypes() throws Exception {
        String ref = unique("N");
        HttpResponse<String> numeric = http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200"));
        assertThat(numeric.statusCode()).isEqualTo(200);
        assertThat(json.readTree(numeric.body())).isEqualTo(json.readTree(
                "{\"responseCode\":200,\"transactionId\":\"PAY" + ref + "\"}"));
        assertThat(json.readTree(numeric.body()).get("responseCode").isNumber()).isTrue();

        String other = unique("S");
        HttpResponse<String> text = http.json("POST", "/callbacks/mypvit", mypvit("PAY" + other, other, "FAILED", "\"555\""));
        assertThat(json.readTree(text.body()).get("responseCode").isTextual()).isTrue();
        assertThat(json.readTree(text.body()).get("responseCode").asText()).isEqualTo("555");
        assertThat(json.readTree(text.body()).get("transactionId").asText()).isEqualTo("PAY" + other);
    }

    @Test
    void finalCallbackIsDeliveredDownstreamOnceWithEventIdAndWithoutHistory() throws Exception {
        String ref = unique("D");
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200"));

        List<Exchange> events = awaitEvents("mypvit:" + ref + ":SUCCESS", 1);
        Exchange event = events.get(0);
        assertThat(event.getMessage().getHeader("Paysync-Event-Id")).isEqualTo("mypvit:" + ref + ":SUCCESS");
        JsonNode body = json.readTree(event.getMessage().getBody(String.class));
        assertThat(body.get("eventId").asText()).isEqualTo("mypvit:" + ref + ":SUCCESS");
        assertThat(body.get("type").asText()).isEqualTo("payment.finalized");
        assertThat(body.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(body.get("amount").isNumber()).isTrue();
        assertThat(body.get("amount").decimalValue()).isEqualByComparingTo("500");
        assertThat(body.get("fees").decimalValue()).isEqualByComparingTo("10");
        assertThat(body.get("providerReference").asText()).isEqualTo("PAY" + ref);
        assertThat(body.has("history")).isFalse();
        assertThat(outboxStatus("mypvit:" + ref + ":SUCCESS")).isEqualTo("DELIVERED");
    }

    @Test
    void repeatedFinalCallbacksGetTheSameAckAndOneDownstreamMessage() throws Exception {
        String ref = unique("R");
        String body = mypvit("PAY" + ref, ref, "SUCCESS", "200");
        List<String> acks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = http.json("POST", "/callbacks/mypvit", body);
            assertThat(response.statusCode()).isEqualTo(200);
            acks.add(response.body());
        }
        assertThat(acks).containsOnly(acks.get(0));
        assertExactlyOneEvent("mypvit:" + ref + ":SUCCESS");
    }

    /**
     * EllyPay's {@code t} is not signed, so its age is not checked: a final callback EllyPay retries
     * days later with its first {@code t} is taken, and a replay of it changes nothing.
     */
    @Test
    void ellypayFinalCallbackRetriedWithItsOldTimestampIsAcknowledgedAndDeliveredOnce() throws Exception {
        String ref = unique("OLDT");
        String body = ellypayGen2(ref, "transaction.completed", "COMPLETED");
        Map<String, String> signature = TestSignatures.ellypayHmac(body,
                Instant.now().minus(Duration.ofDays(2)).getEpochSecond());

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = http.send("POST", "/callbacks/ellypay", "application/json", body, signature);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }

        assertExactlyOneEvent("ellypay:" + ref + ":SUCCESS");
        awaitInboxProcessed("ellypay");
        assertThat(historyStatuses(payment("ellypay", ref))).containsExactly("SUCCESS");
    }

    @Test
    void mypvitCallbackWithDashesStrippedSettlesTheTrackedPayment() throws Exception {
        String tail = unique("");
        String ref = "LT-2-" + tail;
        HttpResponse<String> tracked = http.api("PUT", "/api/payments/mypvit/" + ref,
                "{\"amount\":500,\"currency\":\"XAF\",\"payer\":\"077000001\"}");
        assertThat(tracked.statusCode()).isEqualTo(201);

        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + tail, "LT2" + tail, "SUCCESS", "200"));

        JsonNode payment = awaitPayment("mypvit", ref, "SUCCESS");
        assertThat(payment.get("merchantReference").asText()).isEqualTo(ref);
        assertThat(payment.get("providerReference").asText()).isEqualTo("PAY" + tail);
        assertThat(historyStatuses(payment)).containsExactly("PENDING", "SUCCESS");
        assertExactlyOneEvent("mypvit:" + ref + ":SUCCESS");
        assertThat(paymentCount("mypvit", "LT2" + tail)).isZero();
        // the reference as MyPVit reports it names the same payment
        assertThat(payment("mypvit", "LT2" + tail).get("merchantReference").asText()).isEqualTo(ref);
    }

    @Test
    void mypvitPaymentFromACallbackIsReadAndTrackedUnderTheReferenceWithDashes() throws Exception {
        String tail = unique("");
        String reported = "LT2" + tail;
        String dashed = "LT-2-" + tail;
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + tail, reported, "SUCCESS", "200"));
        JsonNode created = awaitPayment("mypvit", reported, "SUCCESS");

        assertThat(payment("mypvit", dashed)).isEqualTo(created);
        HttpResponse<String> tracked = http.api("PUT", "/api/payments/mypvit/" + dashed,
                "{\"amount\":500,\"currency\":\"XAF\",\"payer\":\"077000001\"}");
        assertThat(tracked.statusCode()).as(tracked.body()).isEqualTo(200);
        assertThat(json.readTree(tracked.body())).isEqualTo(created);
        assertProblem(http.api("PUT", "/api/payments/mypvit/" + dashed, "{\"amount\":600,\"currency\":\"XAF\"}"),
                409, "exists with a different amount");
        assertThat(paymentCount("mypvit", dashed)).isZero();
        assertThat(paymentCount("mypvit", reported)).isEqualTo(1);
        // only MyPVit strips dashes: elsewhere they are part of the reference
        assertProblem(http.api("GET", "/api/payments/ellypay/" + dashed, null), 404, "no ellypay payment");
    }

    // ---------------------------------------------------------------- state rules


    @Test
    void latePendingAfterSuccessChangesNothing() throws Exception {
        String ref = unique("MCTREF");
        assertThat(ellypay(ellypayGen2(ref, "transaction.completed", "COMPLETED"))
                .statusCode()).isEqualTo(200);
        JsonNode settled = awaitPayment("ellypay", ref, "SUCCESS");

        assertThat(ellypay(ellypayGen2(ref, "transaction.charges", "PENDING"))
                .statusCode()).isEqualTo(200);
        awaitInboxProcessed("ellypay");

        JsonNode after = payment("ellypay", ref);
        assertThat(after.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(after.get("flags")).isEmpty();
        assertThat(after.get("history")).hasSameSizeAs(settled.get("history"));
        assertExactlyOneEvent("ellypay:" + ref + ":SUCCESS");
    }

    @Test
    void differentFinalStatusAfterFinalIsFlaggedConflictAndNotDelivered() throws Exception {
        String ref = unique("CSTREF");
        String success = """
                {"id":24546,"amount":5000,"product_code":"mtn_momo_ug","agent_reference":"%s",
                 "internal_reference":"ELPREF%s","agent_commission":50,"status":"SUCCESSFUL","message":"ok"}"""
                .formatted(ref, ref);
        ellypay(success);
        awaitPayment("ellypay", ref, "SUCCESS");

        ellypay(success.replace("SUCCESSFUL", "FAILED"));

        await().atMost(SETTLED).untilAsserted(() ->
                assertThat(payment("ellypay", ref).get("flags").toString()).contains("CONFLICT"));
        JsonNode payment = payment("ellypay", ref);
        assertThat(payment.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(payment.get("history").get(payment.get("history").size() - 1).get("detail").asText())
                .contains("FAILED");
        assertExactlyOneEvent("ellypay:" + ref + ":SUCCESS");
        assertThat(eventsFor("ellypay:" + ref + ":FAILED")).isEmpty();
    }

    // ---------------------------------------------------------------- MVola


    @Test
    void mvolaCallbackResolvesTheMerchantReferenceThroughServerCorrelationId() throws Exception {
        String ref = unique("ORDER");
        String correlationId = UUID.randomUUID().toString();
        assertThat(http.api("PUT", "/api/payments/mvola/" + ref,
                "{\"providerReference\":\"" + correlationId + "\",\"amount\":1000,\"currency\":\"MGA\"}")
                .statusCode()).isEqualTo(201);

        HttpResponse<String> ack = http.json("PUT", "/callbacks/mvola", mvola(correlationId, "completed"));
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(json.readTree(ack.body())).isEqualTo(json.readTree("{\"status\":\"RECEIVED\"}"));

        JsonNode payment = awaitPayment("mvola", ref, "SUCCESS");
        assertThat(payment.get("flags")).isEmpty();
        assertThat(payment.get("payer").asText()).isEqualTo("0343500003");
        assertExactlyOneEvent("mvola:" + ref + ":SUCCESS");
    }

    @Test
    void mvolaCallbackForAnUnknownCorrelationIdIsFlaggedUnregistered() throws Exception {
        String correlationId = UUID.randomUUID().toString();
        http.json("PUT", "/callbacks/mvola", mvola(correlationId, "failed"));

        JsonNode payment = awaitPayment("mvola", correlationId, "FAILED");
        assertThat(payment.get("providerReference").asText()).isEqualTo(correlationId);
        assertThat(payment.get("flags").toString()).contains("UNREGISTERED");
    }

    // ---------------------------------------------------------------- VirtualPay


    @Test
    void virtualpayAnswers00ThenDuplicateTransaction98AndSettlesOnce() throws Exception {
        String ref = unique("VPAYTO");
        HttpResponse<String> first = http.json("POST", "/callbacks/virtualpay", virtualpay(ref, "1444624445", "Complete"));
        HttpResponse<String> again = http.json("POST", "/callbacks/virtualpay", virtualpay(ref, "1444624445", "Complete"));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json.readTree(first.body())).isEqualTo(json.readTree(
                "{\"response_code\":\"00\",\"response_message\":\"Successful Request\"}"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json.readTree(again.body())).isEqualTo(json.readTree(
                "{\"response_code\":\"98\",\"response_message\":\"Duplicate Transaction\"}"));
        JsonNode payment = awaitPayment("virtualpay", ref, "SUCCESS");
        assertThat(payment.get("virtualAccount").asText()).isEqualTo("1444624445");
        assertThat(payment.get("customerId").asText()).isEqualTo("CUST01");
        assertExactlyOneEvent("virtualpay:" + ref + ":SUCCESS");
    }

    @Test
    void virtualpayAmountMismatchIsSuccessFlagged() throws Exception {
        String ref = unique("VPAYTO");
        http.json("POST", "/callbacks/virtualpay", virtualpay(ref, "2000000001", "Amount Mismatch"));

        JsonNode payment = awaitPayment("virtualpay", ref, "SUCCESS");
        assertThat(payment.get("flags").toString()).contains("AMOUNT_MISMATCH");
    }

    @Test
    void virtualpayRefusalsCarryThe99Body() throws Exception {
        HttpResponse<String> response = http.json("POST", "/callbacks/virtualpay", "{\"customer_id\":\"C1\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body())).isEqualTo(json.readTree(
                "{\"response_code\":\"99\",\"response_message\":\"Failed Request\"}"));
    }

    // ---------------------------------------------------------------- CinetPay

    @Test
    void cinetpayPingAndNotificationAreAnswered200AndNeverSettleThePayment() throws Exception {
        assertThat(http.send("GET", "/callbacks/cinetpay", null, null, Map.of()).statusCode()).isEqualTo(200);

        String ref = unique("ORDER-");
        String form = "cpm_site_id=123456&cpm_trans_id=" + ref + "&cpm_trans_date=2022-09-15+22%3A57%3A15"
                + "&cpm_amount=100&cpm_currency=XOF&signature=abc123&payment_method=OM&cel_phone_num=0700000000"
                + "&cpm_phone_prefixe=225&cpm_language=fr&cpm_version=V4&cpm_payment_config=Single"
                + "&cpm_page_action=Payment&cpm_custom=&cpm_designation=Caf%C3%A9+cr%C3%A8me&cpm_error_message=SUCCES";
        HttpResponse<String> response = http.send("POST", "/callbacks/cinetpay", "application/x-www-form-urlencoded",
                form, TestSignatures.cinetpay(form));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-token")).isEmpty();
        JsonNode payment = awaitPayment("cinetpay", ref, "PENDING");
        assertThat(payment.get("amount").decimalValue()).isEqualByComparingTo("100");
        assertThat(payment.get("payer").asText()).isEqualTo("2250700000000");
        assertThat(inboxValue("cinetpay", "body", ref)).contains("Caf%C3%A9");
        assertThat(eventsFor("cinetpay:" + ref + ":SUCCESS")).isEmpty();
    }

    // ---------------------------------------------------------------- durability and refusals

    @Test
    void callbackIsCommittedBeforeItIsAcknowledgedWithSecretsRedacted() {
        String ref = unique("DUR");
        HttpResponse<String> response = http.send("POST", "/callbacks/mypvit?token=s3cr3t-url-token", "application/json",
                mypvit("PAY" + ref, ref, "SUCCESS", "200"), Map.of("X-Secret", "s3cr3t-header"));

        assertThat(response.statusCode()).isEqualTo(200);
        // no waiting: the row was committed before the 200 went out
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT outcome, http_status, query, headers, body FROM callback_inbox WHERE provider = 'mypvit'"
                        + " AND body LIKE ?", "%" + ref + "%");
        assertThat(row.get("outcome")).isEqualTo("ACCEPTED");
        assertThat(String.valueOf(row.get("query"))).contains("token=[redacted]").doesNotContain("s3cr3t");
        assertThat(String.valueOf(row.get("headers"))).contains("x-secret").doesNotContain("s3cr3t");
        assertThat(response.headers().firstValue("X-Secret")).isEmpty();
    }

    @Test
    void malformedMissingWrongMethodWrongTypeAndOversizedCallbacksAreRefusedPreciselyAndRecorded() throws Exception {
        String ref = unique("BAD");
        assertProblem(http.json("POST", "/callbacks/mypvit", "{\"merchantReferenceId\":"), 400, "malformed JSON");
        assertProblem(http.json("POST", "/callbacks/mypvit",
                "{\"transactionId\":\"PAY1\",\"merchantReferenceId\":\"" + ref + "\",\"status\":\"SUCCESS\"}"),
                400, "code");
        assertProblem(http.json("POST", "/callbacks/mypvit", mypvit("PAY1", "has space", "SUCCESS", "200")),
                400, "merchantReferenceId");
        HttpResponse<String> wrongMethod = http.json("PUT", "/callbacks/mypvit", mypvit("PAY1", ref, "SUCCESS", "200"));
        assertProblem(wrongMethod, 405, "POST");
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("POST");
        assertProblem(http.json("POST", "/callbacks/mvola", mvola(ref, "completed")), 405, "PUT");
        assertProblem(http.send("POST", "/callbacks/ellypay", "text/plain", "hello", Map.of()), 415,
                "application/json");
        assertProblem(ellypay("{\"pad\":\"" + "x".repeat(9000) + "\"}"), 413, "limit");

        assertThat(paymentCount("mypvit", ref)).isZero();
        Integer rejected = jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE outcome = 'REJECTED'"
                + " AND provider = 'mypvit' AND body LIKE ?", Integer.class, "%" + ref + "%");
        assertThat(rejected).isEqualTo(2);
    }

    /**
     * PostgreSQL cannot store a NUL in a text column: a NUL in a field the payment keeps is refused
     * with 400 before the acknowledgement, never taken with 200 and then stuck in the pipeline, and
     * the provider's corrected retry goes through.
     */
    @Test
    void nulInAFreeTextFieldIsRefusedAndNothingIsLeftUnprocessed() throws Exception {
        String ref = unique("NUL");
        String mvolaRef = UUID.randomUUID().toString();
        String mypvit = mypvit("PAY" + ref, ref, "SUCCESS", "200");
        String virtualpay = virtualpay(ref, "1", "Complete");
        String mvola = mvola(mvolaRef, "completed");

        assertProblem(http.json("POST", "/callbacks/mypvit", mypvit.replace("\"077000001\"", "\"077\\u0000001\"")),
                400, "field customerID must not contain control characters; character 4 is U+0000");
        assertProblem(http.json("POST", "/callbacks/mypvit", mypvit.replace("\"chargeOwner\"",
                "\"message\":\"paid\\u0000\",\"chargeOwner\"")), 400, "field message");
        HttpResponse<String> refused = http.json("POST", "/callbacks/virtualpay",
                virtualpay.replace("\"CUST01\"", "\"CUST\\u000001\""));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json.readTree(refused.body()).get("response_code").asText()).isEqualTo("99");
        assertProblem(http.json("PUT", "/callbacks/mvola", mvola.replace("\"0343500003\"", "\"0343\\u0000500003\"")),
                400, "field debitParty.value");

        List<Map<String, Object>> recorded = jdbc.queryForList("SELECT outcome, state, reason FROM callback_inbox"
                + " WHERE body LIKE ? OR body LIKE ?", "%" + ref + "%", "%" + mvolaRef + "%");
        assertThat(recorded).hasSize(4).allSatisfy(row -> {
            assertThat(row.get("outcome")).isEqualTo("REJECTED");
            assertThat(row.get("state")).isEqualTo("DONE");
            assertThat((String) row.get("reason")).contains("must not contain control characters");
        });
        assertThat(paymentCount("mypvit", ref) + paymentCount("virtualpay", ref) + paymentCount("mvola", mvolaRef))
                .isZero();

        // the providers send them again, without the NUL: taken and settled
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit).statusCode()).isEqualTo(200);
        assertThat(http.json("POST", "/callbacks/virtualpay", virtualpay).statusCode()).isEqualTo(200);
        awaitPayment("mypvit", ref, "SUCCESS");
        awaitPayment("virtualpay", ref, "SUCCESS");
        await().atMost(SETTLED).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox"
                + " WHERE (body LIKE ? OR body LIKE ?) AND state <> 'DONE' AND state <> 'PROCESSED'", Integer.class,
                "%" + ref + "%", "%" + mvolaRef + "%") == 0);
    }

    /**
     * A refusal is recorded for forensics even when what was sent holds a NUL, which PostgreSQL's text
     * types cannot store: a raw NUL byte in a body (malformed JSON) and a NUL echoed in the reason (an
     * unknown status) are kept as U+2400 (␀).
     */
    @Test
    void refusalsOfRequestsHoldingANulAreRecorded() throws Exception {
        String ref = unique("RAWNUL");
        String status = unique("STATUS");

        assertProblem(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200")
                .replace("\"chargeOwner\"", "\0\"chargeOwner\"")), 400, "malformed JSON");
        assertProblem(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + status, status, "PA\\u0000ID", "200")),
                400, "unknown status");

        Map<String, Object> rawByte = jdbc.queryForMap("SELECT outcome, http_status, body FROM callback_inbox"
                + " WHERE provider = 'mypvit' AND body LIKE ?", "%" + ref + "%");
        assertThat(rawByte.get("outcome")).isEqualTo("REJECTED");
        assertThat(((Number) rawByte.get("http_status")).intValue()).isEqualTo(400);
        assertThat((String) rawByte.get("body")).contains("\u2400\"chargeOwner\"").doesNotContain("\0");
        String reason = jdbc.queryForObject("SELECT reason FROM callback_inbox WHERE provider = 'mypvit' AND body LIKE ?",
                String.class, "%" + status + "%");
        assertThat(reason).isEqualTo("unknown status 'PA\u2400ID'");
    }

    @Test
    void unsignedOrTamperedSignedCallbacksAre401AndChangeNothing() throws Exception {
        String ref = unique("SIG");
        String body = ellypayGen2(ref, "transaction.completed", "COMPLETED");
        Map<String, String> signature = TestSignatures.ellypay(body);

        assertProblem(http.json("POST", "/callbacks/ellypay", body), 401, "signature");
        assertProblem(http.send("POST", "/callbacks/ellypay", "application/json",
                body.replace("\"COMPLETED\"", "\"FAILED\""), signature), 401, "signature");
        String form = "cpm_site_id=123456&cpm_trans_id=" + ref + "&cpm_amount=100&cpm_currency=XOF";
        assertProblem(http.send("POST", "/callbacks/cinetpay", "application/x-www-form-urlencoded", form, Map.of()),
                401, "x-token");
        assertProblem(http.send("POST", "/callbacks/cinetpay", "application/x-www-form-urlencoded",
                form.replace("100", "5"), TestSignatures.cinetpay(form)), 401, "x-token");
        assertThat(paymentCount("ellypay", ref)).isZero();
        assertThat(paymentCount("cinetpay", ref)).isZero();

        assertThat(http.send("POST", "/callbacks/ellypay", "application/json", body, signature).statusCode())
                .isEqualTo(200);
        assertThat(http.send("POST", "/callbacks/cinetpay", "application/x-www-form-urlencoded", form,
                TestSignatures.cinetpay(form)).statusCode()).isEqualTo(200);
        awaitPayment("ellypay", ref, "SUCCESS");
        awaitPayment("cinetpay", ref, "PENDING");
    }

    @Test
    void unknownProviderPathsAre404ProblemsAndRecorded() throws Exception {
        String ref = unique("NOPE");
        assertProblem(http.json("POST", "/callbacks/paypal?ref=" + ref, "{}"), 404, "known providers");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE outcome = 'REJECTED'"
                + " AND http_status = 404 AND query LIKE ?", Integer.class, "%" + ref + "%")).isEqualTo(1);
    }

    @Test
    void bodiesOverTheLimitAreCutOffWhileReadingEvenWithoutContentLength() throws Exception {
        byte[] huge = ("{\"pad\":\"" + "x".repeat(200_000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + http.port() + "/callbacks/mypvit"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge)))
                .build();
        int status;
        try {
            status = java.net.http.HttpClient.newHttpClient().send(request,
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException connectionClosedWhileSending) {
            status = 413; // the server may close the connection before the client has finished sending
        }
        assertThat(status).isEqualTo(413);
        // and the endpoint still works
        String ref = unique("AFTER");
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void callbackThatCannotBeRecordedGets503NeverA200() throws Exception {
        String ref = unique("DOWN");
        SwitchableDataSource database = (SwitchableDataSource) dataSource;
        database.down();
        try {
            HttpResponse<String> mypvitResponse = http.json("POST", "/callbacks/mypvit",
                    mypvit("PAY" + ref, ref, "SUCCESS", "200"));
            HttpResponse<String> virtualpayResponse = http.json("POST", "/callbacks/virtualpay",
                    virtualpay(ref, "1", "Complete"));

            assertProblem(mypvitResponse, 503, "could not be recorded");
            assertThat(virtualpayResponse.statusCode()).isEqualTo(503);
            assertThat(json.readTree(virtualpayResponse.body()).get("response_code").asText()).isEqualTo("99");
        } finally {
            database.up();
        }
        assertThat(paymentCount("mypvit", ref)).isZero();
        // the provider retries; now it is taken
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200")).statusCode())
                .isEqualTo(200);
        assertExactlyOneEvent("mypvit:" + ref + ":SUCCESS");
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentDuplicateCallbacksGiveOneDownstreamMessageAndNo5xx() throws Exception {
        String ref = unique("CC");
        String body = mypvit("PAY" + ref, ref, "SUCCESS", "200");
        List<HttpResponse<String>> responses = concurrently(24, () -> http.json("POST", "/callbacks/mypvit", body));

        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(responses).extracting(HttpResponse::body).containsOnly(responses.get(0).body());
        assertExactlyOneEvent("mypvit:" + ref + ":SUCCESS");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM idempotent_key WHERE message_id = ?", Integer.class,
                "mypvit:" + ref)).isEqualTo(1);
    }

    @Test
    void concurrentVirtualpayRepeatsGetExactlyOne00() throws Exception {
        String ref = unique("VPAYTO");
        String body = virtualpay(ref, "3000000001", "Complete");
        List<HttpResponse<String>> responses = concurrently(20, () -> http.json("POST", "/callbacks/virtualpay", body));

        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(responses).filteredOn(r -> r.body().contains("\"00\"")).hasSize(1);
        assertThat(responses).filteredOn(r -> r.body().contains("\"98\"")).hasSize(19);
        assertExactlyOneEvent("virtualpay:" + ref + ":SUCCESS");
    }

    // ---------------------------------------------------------------- downstream failures

    @Test
    void failedDeliveriesAreRetriedWithTheSameEventIdThenDelivered() throws Exception {
        String ref = unique("RETRY");
        String eventId = "mypvit:" + ref + ":SUCCESS";
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        downstream.whenAnyExchangeReceived(exchange -> {
            if (eventId.equals(exchange.getMessage().getHeader("Paysync-Event-Id")) && failures.getAndIncrement() < 2) {
                throw new IllegalStateException("target down (test)");
            }
        });
        try {
            http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200"));

            assertThat(outboxStatus(eventId)).isEqualTo("DELIVERED");
            assertThat(eventsFor(eventId)).hasSize(3);
            assertThat(jdbc.queryForObject("SELECT attempts FROM outbox WHERE event_id = ?", Integer.class, eventId))
                    .isEqualTo(3);
        } finally {
            downstream.whenAnyExchangeReceived(exchange -> { });
        }
    }

    @Test
    void deliveryIsParkedAsDeadLetterAfterMaxAttempts() throws Exception {
        String ref = unique("DEAD");
        String eventId = "mypvit:" + ref + ":FAILED";
        downstream.whenAnyExchangeReceived(exchange -> {
            if (eventId.equals(exchange.getMessage().getHeader("Paysync-Event-Id"))) {
                throw new IllegalStateException("target rejects it (test)");
            }
        });
        try {
            http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "FAILED", "200"));

            await().atMost(SETTLED).until(() -> "DEAD".equals(currentOutboxStatus(eventId)));
            Map<String, Object> row = jdbc.queryForMap("SELECT attempts, last_error FROM outbox WHERE event_id = ?",
                    eventId);
            assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(3);
            assertThat(String.valueOf(row.get("last_error"))).contains("target rejects it");
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> eventsFor(eventId).size() == 3);
        } finally {
            downstream.whenAnyExchangeReceived(exchange -> { });
        }
    }

    // ---------------------------------------------------------------- merchant API

    @Test
    void merchantApiRequiresTheApiKey() throws Exception {
        assertProblem(http.send("GET", "/api/payments", null, null, Map.of()), 401, "X-Api-Key");
        assertProblem(http.send("GET", "/api/payments", null, null, Map.of("X-Api-Key", "wrong")), 401, "X-Api-Key");
        assertProblem(http.send("PUT", "/api/payments/mypvit/NOKEY", "application/json",
                "{\"amount\":1,\"currency\":\"XAF\"}", Map.of()), 401, "X-Api-Key");
        assertThat(paymentCount("mypvit", "NOKEY")).isZero();
    }

    @Test
    void unknownPaymentsAndProvidersAre404Problems() throws Exception {
        assertProblem(http.api("GET", "/api/payments/mypvit/" + unique("NONE"), null), 404, "no mypvit payment");
        assertProblem(http.api("GET", "/api/payments/paypal/ORDER1", null), 404, "unknown provider");
        assertProblem(http.api("POST", "/api/payments/mypvit/ORDER1", "{}"), 405, "POST");
    }

    @Test
    void trackingIsIdempotentAndRefusesContradictions() throws Exception {
        String ref = unique("TRK");
        String body = "{\"providerReference\":\"PAY" + ref + "\",\"amount\":1500.50,\"currency\":\"XAF\"}";
        HttpResponse<String> created = http.api("PUT", "/api/payments/mypvit/" + ref, body);
        HttpResponse<String> again = http.api("PUT", "/api/payments/mypvit/" + ref, body);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).contains("/api/payments/mypvit/" + ref);
        JsonNode payment = json.readTree(created.body());
        assertThat(payment.get("status").asText()).isEqualTo("PENDING");
        assertThat(payment.get("amount").decimalValue()).isEqualByComparingTo("1500.5");
        assertThat(historyStatuses(payment)).containsExactly("PENDING");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json.readTree(again.body()).get("createdAt")).isEqualTo(payment.get("createdAt"));

        assertProblem(http.api("PUT", "/api/payments/mypvit/" + ref,
                "{\"amount\":99,\"currency\":\"XAF\"}"), 409, "amount");
        // MyPVit reports references without dashes: with one the same payment is named
        String dashed = ref.substring(0, 3) + "-" + ref.substring(3);
        HttpResponse<String> dashedAgain = http.api("PUT", "/api/payments/mypvit/" + dashed, body);
        assertThat(dashedAgain.statusCode()).as(dashedAgain.body()).isEqualTo(200);
        assertThat(json.readTree(dashedAgain.body()).get("merchantReference").asText()).isEqualTo(ref);
        assertProblem(http.api("PUT", "/api/payments/mypvit/" + dashed, "{\"amount\":1,\"currency\":\"XAF\"}"),
                409, "exists with a different amount");
        assertThat(paymentCount("mypvit", dashed)).isZero();
    }

    @Test
    void trackingKeepsAmountsExactAndRefusesThoseAPaymentCannotHold() throws Exception {
        String ref = unique("EXA");
        HttpResponse<String> created = http.api("PUT", "/api/payments/mypvit/" + ref,
                "{\"amount\":12345678901234.5678,\"currency\":\"XAF\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("\"amount\":12345678901234.5678,");
        assertThat(http.api("GET", "/api/payments/mypvit/" + ref, null).body())
                .contains("\"amount\":12345678901234.5678,");
        assertThat(jdbc.queryForObject("SELECT amount FROM payment WHERE provider = 'mypvit'"
                + " AND merchant_reference = ?", BigDecimal.class, ref)).isEqualByComparingTo("12345678901234.5678");

        for (String amount : List.of("1e400", "1e-400", "1e2147483647", "1e2147483648", "-1e2147483648",
                "12345678901234567", "0.00001")) {
            assertThat(invalidFields(http.api("PUT", "/api/payments/mypvit/" + unique("EXB"),
                    "{\"amount\":" + amount + ",\"currency\":\"XAF\"}"))).as(amount).containsExactly("amount");
        }
    }

    @Test
    void trackingRefusesEmptyStringsButTakesAbsentAndNullFieldsAsAbsent() throws Exception {
        String ref = unique("EMP");
        HttpResponse<String> refused = http.api("PUT", "/api/payments/mypvit/" + ref,
                "{\"amount\":500,\"currency\":\"\",\"providerReference\":\"\",\"payer\":\"\"}");

        assertThat(invalidFields(refused)).containsExactlyInAnyOrder("currency", "providerReference", "payer");
        assertThat(paymentCount("mypvit", ref)).isZero();

        HttpResponse<String> created = http.api("PUT", "/api/payments/mypvit/" + ref,
                "{\"amount\":500,\"currency\":\"XAF\",\"providerReference\":null}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json.readTree(created.body()).get("providerReference").isNull()).isTrue();
        assertThat(json.readTree(created.body()).get("payer").isNull()).isTrue();
    }

    @Test
    void trackingValidatesEveryFieldAndNamesThem() throws Exception {
        String ref = unique("VAL");
        HttpResponse<String> response = http.api("PUT", "/api/payments/mypvit/" + ref,
                "{\"amount\":-5,\"currency\":\"xaf\",\"payer\":\"0 77\",\"providerReference\":42}");

        assertThat(invalidFields(response))
                .containsExactlyInAnyOrder("amount", "currency", "payer", "providerReference");
        assertProblem(http.api("PUT", "/api/payments/mypvit/" + ref, "{\"amount\":"), 400, "malformed JSON");
        assertProblem(http.send("PUT", "/api/payments/mypvit/" + ref, "text/plain", "x",
                Map.of("X-Api-Key", "test-api-key")), 415, "application/json");
        assertProblem(http.api("PUT", "/api/payments/mypvit/" + "R".repeat(101), "{\"amount\":1,\"currency\":\"XAF\"}"),
                400, "invalid");
        assertThat(paymentCount("mypvit", ref)).isZero();
    }

    @Test
    void paymentListFiltersAndPagesNewestFirst() throws Exception {
        String prefix = unique("PG");
        // the pipeline is concurrent, so "newest" is only deterministic when each payment exists before the next
        for (int i = 0; i < 3; i++) {
            http.json("PUT", "/callbacks/mvola", mvola(prefix + "-" + i, "completed"));
            awaitPayment("mvola", prefix + "-" + i, "SUCCESS");
        }

        JsonNode first = json.readTree(http.api("GET", "/api/payments?provider=mvola&status=SUCCESS&flag=UNREGISTERED&limit=2",
                null).body());
        assertThat(first.get("items")).hasSize(2);
        assertThat(first.get("items").get(0).get("merchantReference").asText()).isEqualTo(prefix + "-2");
        assertThat(first.get("items").get(1).get("merchantReference").asText()).isEqualTo(prefix + "-1");
        assertThat(first.get("items").get(0).has("history")).isFalse();
        JsonNode second = json.readTree(http.api("GET", "/api/payments?provider=mvola&status=SUCCESS&flag=UNREGISTERED"
                + "&limit=2&after=" + first.get("next").asText(), null).body());
        assertThat(second.get("items").get(0).get("merchantReference").asText()).isEqualTo(prefix + "-0");

        JsonNode failed = json.readTree(http.api("GET", "/api/payments?provider=mvola&status=FAILED&limit=500", null).body());
        failed.get("items").forEach(item -> assertThat(item.get("status").asText()).isEqualTo("FAILED"));

        HttpResponse<String> bad = http.api("GET", "/api/payments?provider=paypal&status=DONE&flag=X&limit=0&after=x", null);
        assertProblem(bad, 400, "invalid");
        assertThat(json.readTree(bad.body()).get("errors")).hasSize(5);

        // ids are BIGINT: any cursor a long holds is one (the first page again), a larger number is not
        for (long after : new long[] {Integer.MAX_VALUE + 1L, Long.MAX_VALUE}) {
            HttpResponse<String> top = http.api("GET", "/api/payments?provider=mvola&status=SUCCESS&flag=UNREGISTERED"
                    + "&limit=2&after=" + after, null);
            assertThat(top.statusCode()).as(top.body()).isEqualTo(200);
            assertThat(json.readTree(top.body()).get("items")).isEqualTo(first.get("items"));
        }
        assertThat(invalidFields(http.api("GET", "/api/payments?after=9223372036854775808", null)))
                .containsExactly("after");
    }
}
