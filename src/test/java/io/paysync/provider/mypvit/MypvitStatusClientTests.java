package io.paysync.provider.mypvit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.paysync.payment.Match;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.StatusClient.StatusAnswer;
import io.paysync.support.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The MyPVit status client against WireMock stubs of renew-secret v2 and Check Status (PROVIDERS.md §1.1, §1.4). */
class MypvitStatusClientTests {

    @RegisterExtension
    static final WireMockExtension mypvit = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String RENEW_CODE = "RNWCODE123456789";
    private static final String STATUS_CODE = "STSCODE123456789";
    private static final String RENEW_PATH = "/v2/" + RENEW_CODE + "/renew-secret";
    private static final String STATUS_PATH = "/" + STATUS_CODE + "/status";
    private static final String ACCOUNT = "ACC_673B22D1077EA";
    private static final String PASSWORD = "pa$$ word&more";
    /** As the merchant sent it; MyPVit knows it without the dashes (§1.2). */
    private static final String REFERENCE = "LT-2-1774724664";
    private static final String MYPVIT_REFERENCE = "LT21774724664";

    /** The renew-secret v2 response of §1.1. */
    private static final String RENEWED = """
            {"operation_account_code":"ACC_673B22D1077EA","secret":"sk_live_first","expires_in":3600}""";
    private static final String RENEWED_AGAIN = """
            {"operation_account_code":"ACC_673B22D1077EA","secret":"sk_live_second","expires_in":3600}""";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-28T19:04:00Z"));

    private static String statusBody(String status) {
        return """
                {"date":"2026-03-28T19:04:24","status":"%s","amount":500,"fees":10,"operator":"AIRTEL_MONEY",\
                "merchant_reference_id":"LT21774724664","customer_account_number":"077000001",\
                "merchant_operation_account_code":"ACC_673B22D1077EA"}""".formatted(status);
    }

    private static MypvitProperties properties(Duration timeout) {
        return new MypvitProperties(ACCOUNT, PASSWORD, RENEW_CODE, STATUS_CODE, timeout);
    }

    private MypvitStatusClient client() {
        return client(properties(Duration.ofSeconds(5)));
    }

    private MypvitStatusClient client(MypvitProperties properties) {
        return new MypvitStatusClient(mypvit.baseUrl(), properties, clock);
    }

    static Payment payment(String merchantReference) {
        Instant created = Instant.parse("2026-03-28T19:00:00Z");
        return new Payment(1, "mypvit", merchantReference, null, PaymentStatus.PENDING, new BigDecimal("500"), "XAF",
                null, null, null, null, Set.of(), null, null, Source.API, created, created, null, List.of());
    }

    private static void renewAnswers(String body) {
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).willReturn(okJson(body)));
    }

    private static void statusAnswers(String body) {
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).willReturn(okJson(body)));
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
    void mapsTheSuccessAnswerWithWhatItCarries() {
        renewAnswers(RENEWED);
        statusAnswers(statusBody("SUCCESS"));

        StatusAnswer answer = client().check(payment(REFERENCE));

        PaymentUpdate update = known(answer);
        assertThat(update.provider()).isEqualTo("mypvit");
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.source()).isEqualTo(Source.STATUS_CHECK);
        assertThat(update.match()).isEqualTo(Match.MERCHANT_REFERENCE);
        assertThat(update.merchantReference()).isEqualTo(REFERENCE);
        assertThat(update.amount()).isEqualByComparingTo("500");
        assertThat(update.fees()).isEqualByComparingTo("10");
        assertThat(update.currency()).isEqualTo("XAF");
        assertThat(update.operator()).isEqualTo("AIRTEL_MONEY");
        assertThat(update.payer()).isEqualTo("077000001");
        assertThat(((StatusAnswer.Known) answer).raw()).isEqualTo(statusBody("SUCCESS"));
    }

    @Test
    void asksWithTheReferenceWithoutDashesTheAccountAndTheRenewedSecret() {
        renewAnswers(RENEWED);
        statusAnswers(statusBody("SUCCESS"));

        client().check(payment(REFERENCE));

        mypvit.verify(1, postRequestedFor(urlPathEqualTo(RENEW_PATH))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withFormParam("accountOperationCode", equalTo(ACCOUNT))
                .withFormParam("password", equalTo(PASSWORD)));
        mypvit.verify(1, getRequestedFor(urlPathEqualTo(STATUS_PATH))
                .withQueryParam("transactionId", equalTo(MYPVIT_REFERENCE))
                .withQueryParam("accountOperationCode", equalTo(ACCOUNT))
                .withQueryParam("transactionOperation", equalTo("PAYMENT"))
                .withHeader("X-Secret", equalTo("sk_live_first")));
    }

    @Test
    void mapsTheFailedAnswerToFailed() {
        renewAnswers(RENEWED);
        statusAnswers(statusBody("FAILED"));

        assertThat(known(client().check(payment(REFERENCE))).status()).isEqualTo(PaymentStatus.FAILED);
    }

    @Test
    void keepsAPendingAnswerPending() {
        renewAnswers(RENEWED);
        statusAnswers(statusBody("PENDING"));

        PaymentUpdate update = known(client().check(payment(REFERENCE)));

        assertThat(update.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(update.statusReason()).isNull();
    }

    @Test
    void keepsAnAmbiguousAnswerPendingAndSaysSo() {
        renewAnswers(RENEWED);
        statusAnswers(statusBody("AMBIGUOUS"));

        PaymentUpdate update = known(client().check(payment(REFERENCE)));

        assertThat(update.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(update.statusReason()).isEqualTo("status AMBIGUOUS");
    }

    @Test
    void fetchesTheSecretOnceAndKeepsItAcrossChecks() {
        renewAnswers(RENEWED);
        statusAnswers(statusBody("PENDING"));
        MypvitStatusClient client = client();

        client.check(payment(REFERENCE));
        clock.advance(Duration.ofMinutes(58));
        client.check(payment(REFERENCE));

        mypvit.verify(1, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
        mypvit.verify(2, getRequestedFor(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo("sk_live_first")));
    }

    @Test
    void renewsTheSecretAMinuteBeforeItExpires() {
        stubRenewalsInTurn();
        statusAnswers(statusBody("PENDING"));
        MypvitStatusClient client = client();

        client.check(payment(REFERENCE));
        clock.advance(Duration.ofSeconds(3600 - 60));
        client.check(payment(REFERENCE));

        mypvit.verify(2, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
        mypvit.verify(1, getRequestedFor(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo("sk_live_second")));
    }

    @Test
    void renewsAnExpiredSecretOnceAndRetriesOnce() {
        stubRenewalsInTurn();
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo("sk_live_first"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"status_code\":401,\"error\":\"AUTHENTICATION_FAILED\",\"message\":\"expired\"}")));
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo("sk_live_second"))
                .willReturn(okJson(statusBody("SUCCESS"))));

        StatusAnswer answer = client().check(payment(REFERENCE));

        assertThat(known(answer).status()).isEqualTo(PaymentStatus.SUCCESS);
        mypvit.verify(2, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
        mypvit.verify(2, getRequestedFor(urlPathEqualTo(STATUS_PATH)));
    }

    @ParameterizedTest
    @ValueSource(ints = {403, 200})
    void treatsA403OrAnAuthenticationFailedBodyAsAnExpiredSecret(int httpStatus) {
        stubRenewalsInTurn();
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo("sk_live_first"))
                .willReturn(aResponse().withStatus(httpStatus).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"AUTHENTICATION_FAILED\"}")));
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo("sk_live_second"))
                .willReturn(okJson(statusBody("FAILED"))));

        assertThat(known(client().check(payment(REFERENCE))).status()).isEqualTo(PaymentStatus.FAILED);
        mypvit.verify(2, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
    }

    @Test
    void givesUpWhenTheRenewedSecretIsRefusedToo() {
        stubRenewalsInTurn();
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).willReturn(aResponse().withStatus(401)));

        String reason = unavailable(client().check(payment(REFERENCE)));

        assertThat(reason).contains("authentication failed");
        mypvit.verify(2, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
        mypvit.verify(2, getRequestedFor(urlPathEqualTo(STATUS_PATH)));
    }

    @Test
    void reportsAFailedRenewalWithoutAskingForTheStatus() {
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status_code\":401,\"error\":\"AUTHENTICATION_FAILED\",\"message\":\"bad password\"}")));

        String reason = unavailable(client().check(payment(REFERENCE)));

        assertThat(reason).isEqualTo("secret renewal answered HTTP 401 AUTHENTICATION_FAILED");
        mypvit.verify(0, getRequestedFor(urlPathEqualTo(STATUS_PATH)));
    }

    @Test
    void reportsARenewalWithoutSecretAsUnavailable() {
        renewAnswers("{\"operation_account_code\":\"ACC_673B22D1077EA\",\"expires_in\":3600}");

        assertThat(unavailable(client().check(payment(REFERENCE)))).contains("without a secret");
        mypvit.verify(0, getRequestedFor(urlPathEqualTo(STATUS_PATH)));
    }

    @Test
    void treatsAnUnknownTransactionAsNotFoundYet() {
        renewAnswers(RENEWED);
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"TRANSACTION_NOT_FOUND\"}")));

        assertThat(unavailable(client().check(payment(REFERENCE)))).isEqualTo("transaction not found yet");
    }

    @Test
    void treatsTransactionNotFoundInA200AsNotFoundYet() {
        renewAnswers(RENEWED);
        statusAnswers("{\"error\":\"TRANSACTION_NOT_FOUND\"}");

        assertThat(unavailable(client().check(payment(REFERENCE)))).isEqualTo("transaction not found yet");
    }

    @Test
    void reportsAProviderErrorAsUnavailable() {
        renewAnswers(RENEWED);
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).willReturn(aResponse().withStatus(503)
                .withBody("<html>upstream down</html>")));

        assertThat(unavailable(client().check(payment(REFERENCE)))).isEqualTo("HTTP 503");
    }

    @Test
    void reportsASlowProviderAsUnavailable() {
        renewAnswers(RENEWED);
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH))
                .willReturn(okJson(statusBody("SUCCESS")).withFixedDelay(2_000)));

        String reason = unavailable(client(properties(Duration.ofMillis(300))).check(payment(REFERENCE)));

        assertThat(reason).isEqualTo("status check timed out after 300 ms");
    }

    @Test
    void reportsAMalformedAnswerAsUnavailable() {
        renewAnswers(RENEWED);
        statusAnswers("{\"status\":\"SUCCESS\",");

        assertThat(unavailable(client().check(payment(REFERENCE)))).contains("malformed JSON");
    }

    @Test
    void reportsAnUnknownStatusAsUnavailable() {
        renewAnswers(RENEWED);
        statusAnswers(statusBody("REVERSED"));

        assertThat(unavailable(client().check(payment(REFERENCE)))).contains("unknown status 'REVERSED'");
    }

    @Test
    void refusesAnAnswerAboutAnotherTransaction() {
        renewAnswers(RENEWED);
        statusAnswers(statusBody("SUCCESS").replace("LT21774724664", "LT99999999999"));

        assertThat(unavailable(client().check(payment(REFERENCE)))).contains("another transaction");
    }

    @Test
    void namesEveryMissingSettingAndCallsNobody() {
        MypvitStatusClient unconfigured = new MypvitStatusClient((String) null,
                new MypvitProperties(ACCOUNT, "", RENEW_CODE, null, null), clock);

        String reason = unavailable(unconfigured.check(payment(REFERENCE)));

        assertThat(reason).contains("paysync.providers.mypvit.base-url", "paysync.providers.mypvit.password",
                "paysync.providers.mypvit.status-url-code");
        assertThat(reason).doesNotContain("account-code", "renew-url-code");
        assertThat(mypvit.getAllServeEvents()).isEmpty();
    }

    @Test
    void namesAMissingPasswordWhenTheBaseUrlIsSet() {
        String reason = unavailable(client(new MypvitProperties(ACCOUNT, null, RENEW_CODE, STATUS_CODE, null))
                .check(payment(REFERENCE)));

        assertThat(reason).isEqualTo("not configured: paysync.providers.mypvit.password");
    }

    @Test
    void renewsOnceForConcurrentChecks() throws Exception {
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).willReturn(okJson(RENEWED).withFixedDelay(200)));
        statusAnswers(statusBody("PENDING"));
        MypvitStatusClient client = client();
        int threads = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<StatusAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return client.check(payment(REFERENCE));
                }));
            }
            start.countDown();
            for (Future<StatusAnswer> answer : answers) {
                assertThat(known(answer.get(10, TimeUnit.SECONDS)).status()).isEqualTo(PaymentStatus.PENDING);
            }
        } finally {
            pool.shutdownNow();
        }

        mypvit.verify(1, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
        mypvit.verify(threads, getRequestedFor(urlPathEqualTo(STATUS_PATH)));
    }

    @Test
    void bindsItsKeysAndKeepsThePasswordOutOfToString() {
        MypvitProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.mypvit.account-code", ACCOUNT,
                "paysync.providers.mypvit.password", "s3cr3t-pw",
                "paysync.providers.mypvit.renew-url-code", RENEW_CODE,
                "paysync.providers.mypvit.status-url-code", STATUS_CODE,
                "paysync.providers.mypvit.timeout", "3s",
                "paysync.providers.mypvit.base-url", "https://api.mypvit.pro")))
                .bindOrCreate("paysync.providers.mypvit", Bindable.of(MypvitProperties.class));

        assertThat(properties.accountCode()).isEqualTo(ACCOUNT);
        assertThat(properties.password()).isEqualTo("s3cr3t-pw");
        assertThat(properties.renewUrlCode()).isEqualTo(RENEW_CODE);
        assertThat(properties.statusUrlCode()).isEqualTo(STATUS_CODE);
        assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(properties.toString()).doesNotContain("s3cr3t-pw");
    }

    @Test
    void defaultsToATenSecondTimeout() {
        MypvitProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.mypvit.account-code", ACCOUNT)))
                .bindOrCreate("paysync.providers.mypvit", Bindable.of(MypvitProperties.class));

        assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    /** The first renewal answers {@code sk_live_first}, every later one {@code sk_live_second}. */
    private static void stubRenewalsInTurn() {
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).inScenario("renewals")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(RENEWED))
                .willSetStateTo("renewed"));
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).inScenario("renewals")
                .whenScenarioStateIs("renewed")
                .willReturn(okJson(RENEWED_AGAIN)));
    }
}
