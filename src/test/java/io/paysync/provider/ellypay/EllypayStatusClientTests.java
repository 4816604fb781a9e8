package io.paysync.provider.ellypay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.paysync.provider.Callbacks.edit;
import static io.paysync.provider.Callbacks.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.paysync.payment.Match;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.StatusClient.StatusAnswer;
import io.paysync.system.PaysyncProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class EllypayStatusClientTests {

    @RegisterExtension
    static WireMockExtension ellypay = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The merchant account "Public Key" (an illustrative value in EllyPay's EPYPUB- format). */
    private static final String API_KEY = "EPYPUB-test-4f1c2a";
    /** The documented references (§3.4 HMAC example; §3.5 sample id 20760). */
    private static final String REFERENCE = "MCTREFNGKLP5VQCQSBH2";
    private static final String VERIFY = "/data/transaction/verify/" + REFERENCE;

    private static final Instant CREATED = Instant.parse("2025-06-02T10:00:00Z");
    private static EllypayStatusClient client(String baseUrl, String apiKey, Duration timeout) {
        PaysyncProperties paysync = new PaysyncProperties(null, null, null, null, null,
                baseUrl == null ? Map.of() : Map.of("ellypay", new PaysyncProperties.Provider(true, baseUrl, null,
                        List.of())));
        return new EllypayStatusClient(paysync, new EllypayProperties(null, null, null, apiKey, timeout));
    }

    private static EllypayStatusClient client() {
        return client(ellypay.baseUrl(), API_KEY, null);
    }

    private static Payment payment(String merchantReference) {
        return payment(merchantReference, CREATED);
    }

    private static Payment payment(String merchantReference, Instant created) {
        return new Payment(7, "ellypay", merchantReference, null, PaymentStatus.PENDING, new BigDecimal("50000"),
                "UGX", null, null, null, null, Set.of(), null, null, Source.API, created, created, null, List.of());
    }

    /**
     * A §3.5 answer: {@code {"code":200,"status":"success","message":…,"data":{…}}}, whose {@code data} is
     * the payload of the gen-2 callback fixture (the same fields: the sample's id 20760, merchant_reference,
     * internal_reference, transaction_status, status_message…).
     */
    private static String verifyAnswer(String callbackFixture) {
        try {
            JsonNode payload = JSON.readTree(fixture("ellypay", callbackFixture)).get("payload");
            ObjectNode answer = JSON.createObjectNode()
                    .put("code", 200)
                    .put("status", "success")
                    .put("message", "Request completed successfully.");
            answer.set("data", payload);
            return JSON.writeValueAsString(answer);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String withStatus(String answer, String status) {
        return edit(answer, root -> ((ObjectNode) root.get("data")).put("transaction_status", status));
    }

    private static PaymentUpdate known(StatusAnswer answer) {
        assertThat(answer).isInstanceOf(StatusAnswer.Known.class);
        return ((StatusAnswer.Known) answer).update();
    }

    private static String unavailable(StatusAnswer answer) {
        assertThat(answer).isInstanceOf(StatusAnswer.Unavailable.class);
        return ((StatusAnswer.Unavailable) answer).reason();
    }

    @Test
    void completedIsSuccessWithTheAmountsAndReferencesOfTheAnswer() {
        String body = verifyAnswer("gen2-completed.json");
        ellypay.stubFor(get(VERIFY).willReturn(okJson(body)));

        StatusAnswer answer = client().check(payment(REFERENCE));

        PaymentUpdate update = known(answer);
        assertThat(update.provider()).isEqualTo("ellypay");
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.source()).isEqualTo(Source.STATUS_CHECK);
        assertThat(update.match()).isEqualTo(Match.MERCHANT_REFERENCE);
        assertThat(update.merchantReference()).isEqualTo(REFERENCE);
        assertThat(update.providerReference()).isEqualTo("ELPREFA65BGTFR7NGUXM");
        assertThat(update.amount()).isEqualByComparingTo("50000");
        assertThat(update.currency()).isEqualTo("UGX");
        assertThat(update.fees()).isEqualByComparingTo("1500");
        assertThat(update.payer()).isEqualTo("256772123456");
        assertThat(update.operator()).isEqualTo("mtn_momo_ug");
        assertThat(((StatusAnswer.Known) answer).raw()).isEqualTo(body);
    }

    @ParameterizedTest
    @CsvSource({"gen2-charges.json, PENDING", "gen2-processing.json, PROCESSING"})
    void pendingAndProcessingStayPending(String fixture, String status) {
        String body = verifyAnswer(fixture);
        assertThat(body).contains("\"transaction_status\":\"" + status + "\"");
        ellypay.stubFor(get(VERIFY).willReturn(okJson(body)));

        assertThat(known(client().check(payment(REFERENCE))).status()).isEqualTo(PaymentStatus.PENDING);
    }

    @Test
    void failedCarriesTheStatusMessageAsItsReason() {
        ellypay.stubFor(get(VERIFY).willReturn(okJson(verifyAnswer("gen2-failed.json"))));

        PaymentUpdate update = known(client().check(payment(REFERENCE)));

        assertThat(update.status()).isEqualTo(PaymentStatus.FAILED);
        assertThat(update.statusReason()).isEqualTo("Insufficient balance on the payer account");
    }

    @Test
    void cancelledIsCancelled() {
        ellypay.stubFor(get(VERIFY).willReturn(okJson(withStatus(verifyAnswer("gen2-charges.json"), "CANCELLED"))));

        assertThat(known(client().check(payment(REFERENCE))).status()).isEqualTo(PaymentStatus.CANCELLED);
    }

    @Test
    void firstCheckIsNeverEarlierThanTwoMinutes() {
        assertThat(client().earliestFirstCheck()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void checkInTheFirstTwoMinutesAsksEllypay() {
        // only a configured paysync.providers.ellypay.first-check-after schedules one this early
        // (CONTRACT §7: honoured as given); EllyPay, not paysync, decides whether it answers
        ellypay.stubFor(get(VERIFY).willReturn(okJson(verifyAnswer("gen2-completed.json"))));

        StatusAnswer answer = client().check(payment(REFERENCE, Instant.now().minusSeconds(30)));

        assertThat(known(answer).status()).isEqualTo(PaymentStatus.SUCCESS);
        ellypay.verify(1, getRequestedFor(urlEqualTo(VERIFY)));
    }

    @Test
    void refusalByEllypayIsUnavailableNeverFailed() {
        ellypay.stubFor(get(VERIFY).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":400,\"status\":\"error\",\"message\":\"Status check denied, try again later\"}")));

        String reason = unavailable(client().check(payment(REFERENCE)));

        assertThat(reason).isEqualTo("EllyPay refused the check: HTTP 400 (Status check denied, try again later)");
    }

    @Test
    void unknownTransactionIsUnavailable() {
        ellypay.stubFor(get(VERIFY).willReturn(aResponse().withStatus(404)));

        assertThat(unavailable(client().check(payment(REFERENCE)))).isEqualTo("EllyPay refused the check: HTTP 404");
    }

    @Test
    void serverErrorIsUnavailable() {
        ellypay.stubFor(get(VERIFY).willReturn(aResponse().withStatus(503).withBody("<html>down</html>")));

        assertThat(unavailable(client().check(payment(REFERENCE)))).isEqualTo("EllyPay answered HTTP 503");
    }

    @Test
    void slowAnswerIsUnavailableAfterTheConfiguredTimeout() {
        ellypay.stubFor(get(VERIFY).willReturn(okJson(verifyAnswer("gen2-completed.json")).withFixedDelay(3000)));
        EllypayStatusClient impatient = client(ellypay.baseUrl(), API_KEY, Duration.ofMillis(300));

        long started = System.nanoTime();
        String reason = unavailable(impatient.check(payment(REFERENCE)));

        assertThat(reason).isEqualTo("EllyPay did not answer within PT0.3S");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void unreachableEllypayIsUnavailable() {
        EllypayStatusClient unreachable = client("http://127.0.0.1:1", API_KEY, null);

        assertThat(unavailable(unreachable.check(payment(REFERENCE)))).isEqualTo("cannot connect to EllyPay");
    }

    @Test
    void malformedJsonIsUnavailable() {
        ellypay.stubFor(get(VERIFY).willReturn(okJson("{\"code\":200,\"status\":\"success\",\"data\":{")));

        assertThat(unavailable(client().check(payment(REFERENCE)))).startsWith("unreadable EllyPay answer: malformed JSON");
    }

    @Test
    void answerWithoutTransactionDataIsUnavailable() {
        ellypay.stubFor(get(VERIFY).willReturn(okJson(
                "{\"code\":403,\"status\":\"error\",\"message\":\"Invalid public key\"}")));

        assertThat(unavailable(client().check(payment(REFERENCE))))
                .isEqualTo("EllyPay answered without a transaction (Invalid public key)");
    }

    @Test
    void unknownTransactionStatusIsUnavailable() {
        ellypay.stubFor(get(VERIFY).willReturn(okJson(withStatus(verifyAnswer("gen2-completed.json"), "REVERSED"))));

        assertThat(unavailable(client().check(payment(REFERENCE))))
                .isEqualTo("unreadable EllyPay answer: unknown data.transaction_status 'REVERSED'");
    }

    @Test
    void answerAboutAnotherMerchantReferenceIsUnavailable() {
        ellypay.stubFor(get(VERIFY).willReturn(okJson(edit(verifyAnswer("gen2-completed.json"),
                root -> ((ObjectNode) root.get("data")).put("merchant_reference", "MCTREFOTHER0000000")))));

        assertThat(unavailable(client().check(payment(REFERENCE))))
                .isEqualTo("EllyPay answered about another merchant reference");
    }

    @Test
    void sendsTheApiVersionAndTheMerchantPublicKey() {
        ellypay.stubFor(get(urlPathEqualTo(VERIFY))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("x-api-version", equalTo("1"))
                .withHeader("public-key", equalTo(API_KEY))
                .willReturn(okJson(verifyAnswer("gen2-completed.json"))));

        assertThat(known(client().check(payment(REFERENCE))).status()).isEqualTo(PaymentStatus.SUCCESS);
        ellypay.verify(1, getRequestedFor(urlEqualTo(VERIFY))
                .withHeader("x-api-version", equalTo("1"))
                .withHeader("public-key", equalTo(API_KEY)));
    }

    @Test
    void putsTheMerchantReferenceInThePathAsOneEncodedSegment() {
        ellypay.stubFor(get(urlEqualTo("/data/transaction/verify/ORDER%2F42%3Fx%3D1"))
                .willReturn(okJson(edit(verifyAnswer("gen2-completed.json"),
                        root -> ((ObjectNode) root.get("data")).put("merchant_reference", "ORDER/42?x=1")))));

        assertThat(known(client().check(payment("ORDER/42?x=1"))).merchantReference()).isEqualTo("ORDER/42?x=1");
    }

    @Test
    void baseUrlWithATrailingSlashIsUsedAsIs() {
        ellypay.stubFor(get(VERIFY).willReturn(okJson(verifyAnswer("gen2-completed.json"))));

        StatusAnswer answer = client(ellypay.baseUrl() + "/", API_KEY, null).check(payment(REFERENCE));

        assertThat(known(answer).status()).isEqualTo(PaymentStatus.SUCCESS);
    }

    @Test
    void missingBaseUrlOrApiKeyIsUnavailableNamingTheSetting() {
        assertThat(unavailable(client(null, API_KEY, null).check(payment(REFERENCE))))
                .isEqualTo("paysync.providers.ellypay.base-url is not configured");
        assertThat(unavailable(client(ellypay.baseUrl(), " ", null).check(payment(REFERENCE))))
                .isEqualTo("paysync.providers.ellypay.api-key is not configured");
        ellypay.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void bindsApiKeyAndTimeoutKeepingTheApiKeyOutOfToString() {
        EllypayProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.ellypay.api-key", API_KEY)))
                .bindOrCreate("paysync.providers.ellypay", Bindable.of(EllypayProperties.class));
        EllypayProperties configured = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.ellypay.timeout", "3s")))
                .bindOrCreate("paysync.providers.ellypay", Bindable.of(EllypayProperties.class));

        assertThat(defaults.apiKey()).isEqualTo(API_KEY);
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.toString()).doesNotContain(API_KEY);
        assertThat(configured.timeout()).isEqualTo(Duration.ofSeconds(3));
    }
}
