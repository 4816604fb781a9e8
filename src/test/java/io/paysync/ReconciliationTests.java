package io.paysync;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.Ack;
import io.paysync.provider.CallbackMapper;
import io.paysync.provider.MappedCallback;
import io.paysync.provider.RawCallback;
import io.paysync.provider.StatusClient.StatusAnswer;
import io.paysync.provider.StatusClient;
import io.paysync.support.TestSignatures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Reconciliation (CONTRACT §7): PENDING payments are asked about on a schedule, final answers
 * settle them through the same pipeline as callbacks, and without an answer they become
 * UNCERTAIN, which a late callback still settles. {@code testpay} is a provider that exists only
 * here, with a status API the test scripts.
 */
@TestPropertySource(properties = {
        "paysync.reconciliation.first-check-after=PT0S",
        "paysync.reconciliation.interval=PT0.3S",
        "paysync.reconciliation.give-up-after=PT4S",
        "paysync.reconciliation.cron=* * * * * ?",
        "paysync.providers.ellypay.enabled=false"})
@Import(ReconciliationTests.TestPay.class)
class ReconciliationTests extends PaysyncHttpTestSupport {

    /** CinetPay's check API. */
    @RegisterExtension
    static WireMockExtension cinetpay = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void cinetpayApi(DynamicPropertyRegistry registry) {
        registry.add("paysync.providers.cinetpay.base-url", cinetpay::baseUrl);
        registry.add("paysync.providers.cinetpay.apikey", () -> "test-apikey");
        registry.add("paysync.providers.cinetpay.site-id", () -> "123456");
    }

    @Autowired
    ScriptedStatusApi api;

    @BeforeEach
    void reset() {
        api.calls.clear();
    }

    @Test
    void aLostCallbackIsSettledByPollingAndDeliveredOnce() throws Exception {
        String ref = unique("LOST");
        api.answers(ref, PaymentStatus.SUCCESS);
        track(ref);

        JsonNode payment = awaitPayment("testpay", ref, "SUCCESS");
        assertThat(historySources(payment)).containsExactly("API", "STATUS_CHECK");
        assertThat(payment.get("providerReference").asText()).isEqualTo("TP-" + ref);
        assertExactlyOneEvent("testpay:" + ref + ":SUCCESS");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE provider = 'testpay'"
                + " AND method = 'STATUS_CHECK' AND body LIKE ?", Integer.class, "%" + ref + "%")).isEqualTo(1);
    }

    @Test
    void pendingAnswersAreAskedAgainUntilFinal() throws Exception {
        String ref = unique("AGAIN");
        api.answers(ref, PaymentStatus.PENDING, PaymentStatus.PENDING, PaymentStatus.FAILED);
        track(ref);

        awaitPayment("testpay", ref, "FAILED");
        assertThat(api.calls(ref)).isEqualTo(3);
        assertExactlyOneEvent("testpay:" + ref + ":FAILED");
    }

    @Test
    void anUnavailableProviderIsRecordedInTheHistoryAndAskedAgain() throws Exception {
        String ref = unique("DOWN");
        // twice: one check retries once within itself before it gives up
        api.answers(ref, null, null, PaymentStatus.SUCCESS);
        track(ref);

        JsonNode payment = awaitPayment("testpay", ref, "SUCCESS");
        assertThat(payment.get("history").toString()).contains("status check failed: provider down (test)");
        assertThat(historySources(payment)).containsExactly("API", "STATUS_CHECK", "STATUS_CHECK");
    }

    @Test
    void aSettledPaymentIsNoLongerChecked() throws Exception {
        String ref = unique("DONE");
        api.answers(ref, PaymentStatus.SUCCESS);
        track(ref);
        awaitPayment("testpay", ref, "SUCCESS");
        int calls = api.calls(ref);

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> api.calls(ref) == calls);
        assertThat(jdbc.queryForObject("SELECT next_check_at FROM payment WHERE provider = 'testpay'"
                + " AND merchant_reference = ?", Object.class, ref)).isNull();
    }

    @Test
    void withoutAnAnswerAPaymentBecomesUncertainAndALateCallbackStillSettlesIt() throws Exception {
        String ref = unique("LATE");
        api.answers(ref, PaymentStatus.PENDING);
        track(ref);

        JsonNode uncertain = awaitPayment("testpay", ref, "UNCERTAIN");
        assertThat(uncertain.get("history").toString()).contains("no final status after PT4S");
        int calls = api.calls(ref);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> api.calls(ref) == calls);

        // MyPVit's status client has no configuration here: its checks are unavailable, so a
        // tracked MyPVit payment gives up the same way, and its late callback settles it
        String mypvitRef = unique("MLATE");
        assertThat(http.api("PUT", "/api/payments/mypvit/" + mypvitRef, "{\"amount\":500,\"currency\":\"XAF\"}")
                .statusCode()).isEqualTo(201);
        awaitPayment("mypvit", mypvitRef, "UNCERTAIN");
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + mypvitRef, mypvitRef, "SUCCESS", "200"));
        awaitPayment("mypvit", mypvitRef, "SUCCESS");
        assertExactlyOneEvent("mypvit:" + mypvitRef + ":SUCCESS");
    }

    @Test
    void anUnsignedFinalCallbackIsDeliveredOnlyOnceTheStatusApiConfirmsIt() throws Exception {
        String ref = unique("CONF");
        api.answers(ref, PaymentStatus.PENDING, PaymentStatus.PENDING, PaymentStatus.SUCCESS);

        assertThat(callback(ref, "SUCCESS")).isEqualTo(200);

        JsonNode payment = awaitPayment("testpay", ref, "SUCCESS");
        assertThat(api.calls(ref)).isEqualTo(3);
        assertThat(historySources(payment)).containsExactly("CALLBACK", "CALLBACK", "STATUS_CHECK");
        assertThat(payment.get("history").get(1).get("detail").asText())
                .contains("callback reports SUCCESS; awaiting confirmation");
        assertThat(payment.get("flags")).isEmpty();
        assertExactlyOneEvent("testpay:" + ref + ":SUCCESS");
    }

    @Test
    void anUnsignedCallbackOnAnUncertainPaymentIsCheckedUntilConfirmed() throws Exception {
        String ref = givenUp("UNCF");

        // the check the callback calls for at once finds the provider down (it retries once within
        // itself); later checks, on the schedule, confirm the callback
        api.answers(ref, null, null, PaymentStatus.SUCCESS);
        assertThat(callback(ref, "SUCCESS")).isEqualTo(200);

        JsonNode payment = awaitPayment("testpay", ref, "SUCCESS");
        assertThat(payment.get("history").toString()).contains("status check failed: provider down (test)");
        assertExactlyOneEvent("testpay:" + ref + ":SUCCESS");
    }

    @Test
    void checksACallbackAskedForOnAnUncertainPaymentStopAfterGiveUpAfter() throws Exception {
        String ref = givenUp("UNST");
        int before = api.calls(ref);

        assertThat(callback(ref, "SUCCESS")).isEqualTo(200);
        // asked at once, then again on the schedule (backoff: at most 4 × 0.3 s), then no more once
        // give-up-after (4 s) has passed since the callback
        await().atMost(SETTLED).until(() -> api.calls(ref) >= before + 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject("SELECT next_check_at FROM payment"
                + " WHERE provider = 'testpay' AND merchant_reference = ?", Object.class, ref) == null);
        int calls = api.calls(ref);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> api.calls(ref) == calls);
        assertThat(payment("testpay", ref).get("status").asText()).isEqualTo("UNCERTAIN");
        assertThat(eventsFor("testpay:" + ref + ":SUCCESS")).isEmpty();
    }

    @Test
    void aDisabledProviderHasNoCallbackEndpointNoStatusChecksAndNoNewPayments() throws Exception {
        String reference = unique("OFF");
        HttpResponse<String> refused = http.json("POST", "/callbacks/ellypay",
                "{\"id\":\"" + reference + "\"}");
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("provider ellypay is disabled (paysync.providers.ellypay.enabled=false)");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE provider = 'ellypay'"
                + " AND outcome = 'REJECTED' AND http_status = 404 AND reason LIKE '%disabled%'", Integer.class))
                .isPositive();

        // a payment of it tracked before it was switched off, due now: left alone, and still due later
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.update("""
                INSERT INTO payment (provider, merchant_reference, match_key, status, origin, created_at, updated_at,
                    next_check_at) VALUES ('ellypay', ?, ?, 'PENDING', 'API', ?, ?, ?)""",
                reference, reference, now, now, now);
        await().atMost(SETTLED).until(() -> jdbc.queryForObject("SELECT next_check_at > ? FROM payment"
                + " WHERE provider = 'ellypay' AND merchant_reference = ?", Boolean.class, now, reference));
        JsonNode payment = payment("ellypay", reference);
        assertThat(payment.get("status").asText()).isEqualTo("PENDING");
        // nor does the merchant API start or track one of its payments
        HttpResponse<String> tracking = http.api("PUT", "/api/payments/ellypay/" + reference + "X",
                "{\"amount\":500,\"currency\":\"UGX\"}");
        assertThat(invalidFields(tracking)).containsExactly("provider");
        assertThat(tracking.body()).contains("is disabled (paysync.providers.ellypay.enabled=false)");
        assertThat(invalidFields(http.api("POST", "/api/payments", """
                {"provider":"ellypay","merchantReference":"%sY","amount":500,"currency":"UGX","payer":"256700000001",
                 "description":"test"}""".formatted(reference)))).containsExactly("provider");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment WHERE provider = 'ellypay'"
                + " AND merchant_reference IN (?, ?)", Integer.class, reference + "X", reference + "Y")).isZero();
        assertThat(payment.get("history")).isEmpty();
        assertThat(jdbc.queryForObject("SELECT check_attempts FROM payment WHERE provider = 'ellypay'"
                + " AND merchant_reference = ?", Integer.class, reference)).isZero();
    }

    @Test
    void aCallbackTheStatusApiDoesNotConfirmIsNeverDelivered() throws Exception {
        String ref = unique("HOLD");
        api.answers(ref, PaymentStatus.PENDING);

        assertThat(callback(ref, "SUCCESS")).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> api.calls(ref) >= 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                "PENDING".equals(payment("testpay", ref).get("status").asText()));
        assertThat(eventsFor("testpay:" + ref + ":SUCCESS")).isEmpty();
    }

    @Test
    void whenTheStatusApiContradictsACallbackTheApiWinsAndThePaymentIsFlagged() throws Exception {
        String ref = unique("MISM");
        api.answers(ref, PaymentStatus.FAILED);

        assertThat(callback(ref, "SUCCESS")).isEqualTo(200);

        JsonNode payment = awaitPayment("testpay", ref, "FAILED");
        assertThat(payment.get("flags").toString()).contains("CALLBACK_MISMATCH");
        assertExactlyOneEvent("testpay:" + ref + ":FAILED");
        assertThat(eventsFor("testpay:" + ref + ":SUCCESS")).isEmpty();
    }

    @Test
    void aCinetpayNotificationTriggersACheckWhoseAnswerIsTheTruth() throws Exception {
        String accepted = unique("CPOK");
        String cancelled = unique("CPCX");
        String unavailable = unique("CPDN");
        stubCheck(accepted, "00", "SUCCES", "ACCEPTED");
        stubCheck(cancelled, "627", "TRANSACTION_CANCEL", "REFUSED");
        stubCheck(unavailable, "603", "SERVICE_UNAVAILABLE", null);

        for (String ref : new String[] {accepted, cancelled, unavailable}) {
            String form = "cpm_site_id=123456&cpm_trans_id=" + ref + "&cpm_amount=100&cpm_currency=XOF"
                    + "&cpm_error_message=SUCCES";
            assertThat(http.send("POST", "/callbacks/cinetpay", "application/x-www-form-urlencoded", form,
                    TestSignatures.cinetpay(form)).statusCode()).isEqualTo(200);
        }

        JsonNode settled = awaitPayment("cinetpay", accepted, "SUCCESS");
        assertThat(settled.get("providerReference").asText()).isEqualTo("MP" + accepted);
        assertExactlyOneEvent("cinetpay:" + accepted + ":SUCCESS");
        awaitPayment("cinetpay", cancelled, "CANCELLED");
        await().atMost(SETTLED).until(() -> payment("cinetpay", unavailable).get("history").toString()
                .contains("status check failed"));
        assertThat(payment("cinetpay", unavailable).get("status").asText()).isEqualTo("PENDING");
        cinetpay.verify(postRequestedFor(
                        urlEqualTo("/v2/payment/check"))
                .withRequestBody(matchingJsonPath(
                        "$.transaction_id", equalTo(accepted)))
                .withRequestBody(matchingJsonPath(
                        "$.apikey", equalTo("test-apikey"))));
    }

    private static void stubCheck(String ref, String code, String message, String status) {
        String data = status == null ? "null" : """
                {"amount":"100","currency":"XOF","status":"%s","payment_method":"OM","description":"test",
                 "metadata":null,"operator_id":"MP%s","payment_date":"2022-09-15 22:57:15"}""".formatted(status, ref);
        cinetpay.stubFor(post("/v2/payment/check")
                .withRequestBody(matchingJsonPath(
                        "$.transaction_id", equalTo(ref)))
                .willReturn(okJson(
                        "{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"data\":" + data
                                + ",\"api_response_id\":\"1663323067.7677\"}")));
    }

    private int callback(String ref, String status) {
        return http.json("POST", "/callbacks/testpay", "{\"ref\":\"" + ref + "\",\"status\":\"" + status + "\"}")
                .statusCode();
    }

    /** A tracked testpay payment that became UNCERTAIN: its status API never had a final answer. */
    private String givenUp(String prefix) throws Exception {
        String ref = unique(prefix);
        api.answers(ref, PaymentStatus.PENDING);
        track(ref);
        awaitPayment("testpay", ref, "UNCERTAIN");
        return ref;
    }

    private void track(String ref) {
        assertThat(http.api("PUT", "/api/payments/testpay/" + ref, "{\"amount\":1000,\"currency\":\"XOF\"}")
                .statusCode()).isEqualTo(201);
    }

    private static java.util.List<String> historySources(JsonNode payment) {
        java.util.List<String> sources = new java.util.ArrayList<>();
        payment.get("history").forEach(entry -> sources.add(entry.get("source").asText()));
        return sources;
    }

    /** A status API whose answers the test scripts, per merchant reference (null = unavailable). */
    static class ScriptedStatusApi implements StatusClient {

        final Map<String, Deque<PaymentStatus>> scripts = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        void answers(String ref, PaymentStatus... answers) {
            Deque<PaymentStatus> script = new ArrayDeque<>();
            for (PaymentStatus answer : answers) {
                script.add(answer == null ? PaymentStatus.UNCERTAIN : answer); // UNCERTAIN marks "unavailable"
            }
            scripts.put(ref, script);
        }

        int calls(String ref) {
            return calls.getOrDefault(ref, new AtomicInteger()).get();
        }

        @Override
        public String provider() {
            return "testpay";
        }

        @Override
        public StatusAnswer check(Payment payment) {
            calls.computeIfAbsent(payment.merchantReference(), k -> new AtomicInteger()).incrementAndGet();
            Deque<PaymentStatus> script = scripts.get(payment.merchantReference());
            PaymentStatus status = script == null ? PaymentStatus.PENDING
                    : script.size() > 1 ? script.poll() : script.peek();
            if (status == PaymentStatus.UNCERTAIN) {
                return new StatusAnswer.Unavailable("provider down (test)");
            }
            return new StatusAnswer.Known(PaymentUpdate.builder("testpay", status, Source.STATUS_CHECK)
                    .merchantReference(payment.merchantReference())
                    .providerReference("TP-" + payment.merchantReference())
                    .build(), "{\"status\":\"" + status + "\",\"ref\":\"" + payment.merchantReference() + "\"}");
        }
    }

    /** The test-only provider: a mapper (so that it is known) and the scripted status API. */
    @TestConfiguration(proxyBeanMethods = false)
    static class TestPay {

        @Bean
        ScriptedStatusApi testpayStatusClient() {
            return new ScriptedStatusApi();
        }

        @Bean
        CallbackMapper testpayCallbackMapper() {
            return new CallbackMapper() {
                @Override
                public String provider() {
                    return "testpay";
                }

                @Override
                public Set<String> methods() {
                    return Set.of("POST");
                }

                @Override
                public String mediaType() {
                    return "application/json";
                }

                /** {@code {"ref": "...", "status": "SUCCESS"}}, unsigned (trust CONFIRM, the default). */
                @Override
                public MappedCallback map(RawCallback callback) {
                    com.fasterxml.jackson.databind.JsonNode body = io.paysync.provider.CallbackFields.object(callback);
                    return MappedCallback.of(PaymentUpdate.builder("testpay",
                                    PaymentStatus.valueOf(body.get("status").asText()), Source.CALLBACK)
                            .merchantReference(body.get("ref").asText()).build(), Ack.ok());
                }
            };
        }

        /** The testpay callback route, made of the same steps as routes/callback-*.camel.yaml. */
        @Bean
        org.apache.camel.builder.RouteBuilder testpayCallbackRoute() {
            return new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/callbacks/testpay").routeId("callback-testpay")
                            .routeConfigurationId("callback-errors")
                            .setProperty("provider", constant("testpay"))
                            .process("callbackRequestReader")
                            .process("callbackSourceCheck")
                            .process("testpayCallbackMapper")
                            .to("direct:callback-intake");
                }
            };
        }
    }
}
