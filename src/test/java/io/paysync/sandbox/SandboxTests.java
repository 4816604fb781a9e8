package io.paysync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.support.PublicPort;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Sandbox mode end to end (CONTRACT §8): paysync's real provider clients against the simulators, and
 * the simulators' real HTTP callbacks into paysync's callback routes. For every provider: initiate
 * ({@code POST /api/payments}) → callback (or a lost callback → status check by reconciliation) →
 * final status → exactly one downstream message. Unsigned callbacks (MyPVit, MVola, VirtualPay) are
 * confirmed by a status check, as in production.
 *
 * <p>Its own Spring context: sandbox mode forced on (the shared test settings configure a CinetPay
 * key, which alone keeps sandbox mode off), short simulator delays and a reconciliation every second.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = "classpath:paysync-test.properties", properties = {
        "paysync.sandbox.enabled=true",
        "paysync.sandbox.demo-on-start=false",
        "paysync.sandbox.callback-delay=PT0.5S",
        "paysync.sandbox.retry-delay=PT0.2S",
        "paysync.reconciliation.first-check-after=PT3S",
        "paysync.reconciliation.interval=PT1S",
        "paysync.reconciliation.cron=* * * * * ?",
        "paysync.providers.mypvit.confirm-callbacks=true",
        "paysync.providers.mvola.confirm-callbacks=true",
        "paysync.providers.virtualpay.confirm-callbacks=true"})
class SandboxTests {

    static final Duration SETTLED = Duration.ofSeconds(30);

    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper json;
    @Autowired
    SandboxMypvit mypvit;

    PublicPort http;
    MockEndpoint downstream;

    @BeforeEach
    void connect() {
        http = new PublicPort(camel);
        downstream = camel.getEndpoint("mock:downstream", MockEndpoint.class);
    }

    // ---------------------------------------------------------------- MyPVit

    @Test
    void mypvitGoLiveChecklistTwoSuccessesAndTwoFailuresEachClosedByTheDynamicAcknowledgement() throws Exception {
        int[] before = mypvit.checklist();
        String run = unique("G", 8);
        String[][] cases = {{"S1", "500", "SUCCESS"}, {"S2", "1000", "SUCCESS"}, {"F1", "1001", "FAILED"},
                {"F2", "2000", "FAILED"}};
        for (String[] c : cases) {
            assertThat(initiate(mypvitRequest(run + c[0], c[1], "checklist")).statusCode()).isEqualTo(202);
        }
        for (String[] c : cases) {
            JsonNode payment = awaitPayment("mypvit", run + c[0], c[2]);
            assertThat(sources(payment)).as("a callback, confirmed by Check Status").contains("CALLBACK", "STATUS_CHECK");
            assertExactlyOneEvent("mypvit:" + run + c[0] + ":" + c[2]);
        }
        await().atMost(SETTLED).untilAsserted(() -> assertThat(mypvit.checklist())
                .containsExactly(before[0] + 2, before[1] + 2));
    }

    @Test
    void kycAnswersFromTheMypvitSimulator() throws Exception {
        HttpResponse<String> found = http.api("GET", "/api/kyc/mypvit?msisdn=077000001&operator=MOOV_MONEY", null);
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        assertThat(json.readTree(found.body()).get("fullName").asText()).isEqualTo("SANDBOX CUSTOMER 077000001");
        assertThat(http.api("GET", "/api/kyc/mypvit?msisdn=077000099&operator=MOOV_MONEY", null).statusCode())
                .isEqualTo(404);
    }

    // ---------------------------------------------------------------- lost callbacks

    @Test
    void lostCallbacksAreSettledThroughTheStatusApisByReconciliation() throws Exception {
        String ref = unique("L", 10);
        assertThat(initiate(mypvitRequest(ref, "700", "LOSECALLBACK")).statusCode()).isEqualTo(202);
        assertThat(initiate(cinetpayRequest(ref, "LOSECALLBACK order")).statusCode()).isEqualTo(202);
        assertThat(initiate(virtualpayRequest(ref, "LOSECALLBACK")).statusCode()).isEqualTo(202);
        assertThat(initiate(mvolaRequest(ref, "0343500003", "LOSECALLBACK")).statusCode()).isEqualTo(202);

        for (String provider : List.of("mypvit", "cinetpay", "virtualpay", "mvola")) {
            JsonNode payment = awaitPayment(provider, ref, "SUCCESS");
            assertThat(sources(payment)).as(provider).doesNotContain("CALLBACK").endsWith("STATUS_CHECK");
            assertExactlyOneEvent(provider + ":" + ref + ":SUCCESS");
            assertThat(inboxCount(provider, ref)).as(provider + " callbacks received").isZero();
        }
    }

    // ---------------------------------------------------------------- CinetPay

    @Test
    void cinetpayPingsNotifiesWaitingForCustomerThenFinalAndTheCheckDecides() throws Exception {
        String accepted = unique("CA", 10);
        String declined = unique("CD", 10);
        assertThat(initiate(cinetpayRequest(accepted, "Order")).statusCode()).isEqualTo(202);
        assertThat(initiate(cinetpayRequest(declined, "DECLINE order")).statusCode()).isEqualTo(202);

        awaitPayment("cinetpay", accepted, "SUCCESS");
        awaitPayment("cinetpay", declined, "CANCELLED");
        assertExactlyOneEvent("cinetpay:" + accepted + ":SUCCESS");
        assertExactlyOneEvent("cinetpay:" + declined + ":CANCELLED");
        await().atMost(SETTLED).until(() -> inboxBodies("cinetpay", accepted).size() == 2);
        assertThat(inboxBodies("cinetpay", accepted)).satisfiesExactly(
                first -> assertThat(first).contains("cpm_error_message=WAITING_FOR_CUSTOMER"),
                last -> assertThat(last).contains("cpm_error_message=SUCCES"));
        assertThat(jdbc.queryForList("SELECT outcome FROM callback_inbox WHERE provider = 'cinetpay' AND body LIKE ?",
                String.class, "%" + accepted + "%")).doesNotContain("REJECTED");
    }

    // ---------------------------------------------------------------- EllyPay

    @Test
    void ellypaySendsSignedPendingThenFinalCallbacksAndRefusesEarlyStatusChecks() throws Exception {
        String paid = unique("EP", 10);
        String declined = unique("DECLINE", 14);
        assertThat(initiate(ellypayRequest(paid)).statusCode()).isEqualTo(202);
        assertThat(initiate(ellypayRequest(declined)).statusCode()).isEqualTo(202);

        awaitPayment("ellypay", paid, "SUCCESS");
        awaitPayment("ellypay", declined, "FAILED");
        assertExactlyOneEvent("ellypay:" + paid + ":SUCCESS");
        assertExactlyOneEvent("ellypay:" + declined + ":FAILED");
        await().atMost(SETTLED).until(() -> inboxBodies("ellypay", paid).size() == 2);
        assertThat(inboxBodies("ellypay", paid)).satisfiesExactly(
                first -> assertThat(first).contains("\"status\":\"PENDING\""),
                last -> assertThat(last).contains("\"status\":\"SUCCESSFUL\""));

        HttpResponse<String> early = http.send("GET", "/sandbox/ellypay/data/transaction/verify/" + paid, null, null,
                Map.of("public-key", SandboxCredentials.ELLYPAY_API_KEY, "x-api-version", "1"));
        assertThat(early.statusCode()).isEqualTo(400);
        assertThat(early.body()).contains("denied in the first 120 seconds");
    }

    // ---------------------------------------------------------------- VirtualPay

    @Test
    void virtualpayTransfersCompleteAndAmountMismatch() throws Exception {
        String complete = unique("VC", 10);
        String mismatch = unique("VM", 10);
        assertThat(initiate(virtualpayRequest(complete, "Ada Obi")).statusCode()).isEqualTo(202);
        assertThat(initiate(virtualpayRequest(mismatch, "MISMATCH Obi")).statusCode()).isEqualTo(202);

        JsonNode paid = awaitPayment("virtualpay", complete, "SUCCESS");
        JsonNode underpaid = awaitPayment("virtualpay", mismatch, "SUCCESS");
        assertThat(paid.get("flags")).isEmpty();
        assertThat(underpaid.get("flags").toString()).contains("AMOUNT_MISMATCH");
        assertThat(sources(paid)).contains("CALLBACK");
        assertExactlyOneEvent("virtualpay:" + complete + ":SUCCESS");
        assertExactlyOneEvent("virtualpay:" + mismatch + ":SUCCESS");
    }

    // ---------------------------------------------------------------- MVola

    @Test
    void mvolaTestNumbersOneSucceedsTheOtherFailsAnyOtherIsRefused() throws Exception {
        String customer = unique("MC", 10);
        String merchant = unique("MM", 10);
        assertThat(initiate(mvolaRequest(customer, "0343500003", "Order 1")).statusCode()).isEqualTo(202);
        assertThat(initiate(mvolaRequest(merchant, "0343500004", "Order 2")).statusCode()).isEqualTo(202);

        assertThat(sources(awaitPayment("mvola", customer, "SUCCESS"))).contains("CALLBACK", "STATUS_CHECK");
        awaitPayment("mvola", merchant, "FAILED");
        assertExactlyOneEvent("mvola:" + customer + ":SUCCESS");
        assertExactlyOneEvent("mvola:" + merchant + ":FAILED");

        HttpResponse<String> other = initiate(mvolaRequest(unique("MO", 10), "0340000000", "Order 3"));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(422);
        assertThat(other.body()).contains("not a sandbox test number");
    }

    // ---------------------------------------------------------------- the simulators check what providers check

    @Test
    void simulatorsRefuseWhatTheRealProvidersRefuse() {
        HttpResponse<String> noSecret = http.json("POST", "/sandbox/mypvit/v2/" + SandboxCredentials.MYPVIT_REST + "/rest",
                "{}");
        assertThat(noSecret.statusCode()).isEqualTo(401);
        assertThat(noSecret.body()).contains("AUTHENTICATION_FAILED");
        assertThat(http.json("POST", "/sandbox/mypvit/v2/WRONGCODE/rest", "{}").body()).contains("API_NOT_FOUND");

        HttpResponse<String> cinetpay = http.json("POST", "/sandbox/cinetpay/v2/payment",
                "{\"apikey\":\"wrong\",\"site_id\":\"" + SandboxCredentials.CINETPAY_SITE_ID + "\"}");
        assertThat(cinetpay.statusCode()).isEqualTo(401);
        assertThat(cinetpay.body()).contains("\"code\":\"609\"");

        HttpResponse<String> ellypay = http.send("POST", "/sandbox/ellypay/merchant/validate-account", "application/json",
                "{}", Map.of("ApiKey", SandboxCredentials.ELLYPAY_API_KEY, "SecretKey", SandboxCredentials.ELLYPAY_SECRET,
                        "Signature", "t=1700000000000,s=" + "0".repeat(64)));
        assertThat(ellypay.statusCode()).isEqualTo(401);
        assertThat(ellypay.body()).contains("Signature does not match");

        HttpResponse<String> virtualpay = http.json("POST", "/sandbox/virtualpay/virtualpay/GenerateVirtualAccountNumber",
                "{}");
        assertThat(virtualpay.statusCode()).isEqualTo(401);
        assertThat(virtualpay.body()).contains("\"response_code\":\"99\"");

        HttpResponse<String> mvola = http.json("POST", "/sandbox/mvola/mvola/mm/transactions/type/merchantpay/1.0.0/",
                "{}");
        assertThat(mvola.statusCode()).isEqualTo(401);
        assertThat(mvola.body()).contains("900901");
        String token = http.send("POST", "/sandbox/mvola/token", "application/x-www-form-urlencoded",
                "grant_type=client_credentials&scope=EXT_INT_MVOLA_SCOPE", Map.of("Authorization", "Basic "
                        + java.util.Base64.getEncoder().encodeToString((SandboxCredentials.MVOLA_KEY + ":"
                        + SandboxCredentials.MVOLA_SECRET).getBytes()))).body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> missingHeader = http.send("POST", "/sandbox/mvola/mvola/mm/transactions/type/merchantpay/1.0.0/",
                "application/json", "{}", Map.of("Authorization", "Bearer " + token));
        assertThat(missingHeader.statusCode()).isEqualTo(400);
        assertThat(missingHeader.body()).contains("Missing header Version").contains("4001");
    }

    // ---------------------------------------------------------------- the demo

    @Test
    void theDemoRunsEverySamplePaymentToItsExpectedStatus() throws Exception {
        HttpResponse<String> started = http.send("POST", "/sandbox/demo", null, null, Map.of());

        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode payments = json.readTree(started.body()).get("payments");
        assertThat(payments).hasSize(12);
        for (JsonNode sample : payments) {
            awaitPayment(sample.get("provider").asText(), sample.get("merchantReference").asText(),
                    sample.get("expected").asText());
        }
        assertThat(http.send("GET", "/sandbox/demo", null, null, Map.of()).statusCode()).isEqualTo(405);
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<String> initiate(String body) {
        return http.api("POST", "/api/payments", body);
    }

    private JsonNode awaitPayment(String provider, String reference, String status) throws Exception {
        await().atMost(SETTLED).until(() -> status.equals(currentStatus(provider, reference)));
        return json.readTree(http.api("GET", "/api/payments/" + provider + "/" + reference, null).body());
    }

    private String currentStatus(String provider, String reference) throws Exception {
        HttpResponse<String> response = http.api("GET", "/api/payments/" + provider + "/" + reference, null);
        return response.statusCode() == 200 ? json.readTree(response.body()).get("status").asText() : null;
    }

    /** One message, and still one a while later; one outbox row. */
    private void assertExactlyOneEvent(String eventId) {
        await().atMost(SETTLED).until(() -> events(eventId) >= 1);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> events(eventId) == 1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE event_id = ?", Integer.class, eventId))
                .isEqualTo(1);
    }

    private long events(String eventId) {
        return downstream.getExchanges().stream()
                .filter(e -> eventId.equals(e.getMessage().getHeader("Paysync-Event-Id"))).count();
    }

    private static List<String> sources(JsonNode payment) {
        List<String> sources = new ArrayList<>();
        payment.get("history").forEach(entry -> sources.add(entry.get("source").asText()));
        return sources;
    }

    private int inboxCount(String provider, String reference) {
        return inboxBodies(provider, reference).size();
    }

    /** The callbacks (not the status-check answers) of a provider naming the reference, oldest first. */
    private List<String> inboxBodies(String provider, String reference) {
        return jdbc.queryForList("SELECT body FROM callback_inbox WHERE provider = ? AND method <> 'STATUS_CHECK'"
                        + " AND body LIKE ? ORDER BY id",
                String.class, provider, "%" + reference + "%");
    }

    private static String unique(String prefix, int length) {
        return (prefix + UUID.randomUUID().toString().replace("-", "").toUpperCase()).substring(0, length);
    }

    private static String mypvitRequest(String ref, String amount, String description) {
        return """
                {"provider":"mypvit","merchantReference":"%s","amount":%s,"currency":"XAF","payer":"077000001",
                 "operator":"AIRTEL_MONEY","description":"%s"}""".formatted(ref, amount, description);
    }

    private static String cinetpayRequest(String ref, String description) {
        return """
                {"provider":"cinetpay","merchantReference":"%s","amount":1000,"currency":"XOF","payer":"0700000000",
                 "description":"%s","returnUrl":"https://shop.example.com/done"}""".formatted(ref, description);
    }

    private static String ellypayRequest(String ref) {
        return """
                {"provider":"ellypay","merchantReference":"%s","amount":5000,"currency":"UGX","payer":"256700000001",
                 "productCode":"MTN_UG"}""".formatted(ref);
    }

    private static String virtualpayRequest(String ref, String customerName) {
        return """
                {"provider":"virtualpay","merchantReference":"%s","amount":1000,"currency":"NGN",
                 "customerName":"%s"}""".formatted(ref, customerName);
    }

    private static String mvolaRequest(String ref, String payer, String description) {
        return """
                {"provider":"mvola","merchantReference":"%s","amount":1000,"currency":"MGA","payer":"%s",
                 "description":"%s"}""".formatted(ref, payer, description);
    }
}
