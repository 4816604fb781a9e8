package io.paysync.provider.mvola;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.paysync.payment.Match;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.StatusClient.StatusAnswer;
import io.paysync.system.PaysyncProperties;
import io.paysync.support.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class MvolaStatusClientTests {

    @RegisterExtension
    static WireMockExtension mvola = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String CONSUMER_KEY = "mvola-consumer-key";
    private static final String CONSUMER_SECRET = "mvola-consumer-secret";
    /** base64("mvola-consumer-key:mvola-consumer-secret"), computed outside the code under test. */
    private static final String BASIC = "Basic bXZvbGEtY29uc3VtZXIta2V5Om12b2xhLWNvbnN1bWVyLXNlY3JldA==";
    private static final String PARTNER_NAME = "Paysync Test SARL";
    /** The sandbox merchant (credit) MSISDN (§5.5). */
    private static final String PARTNER_MSISDN = "0343500004";

    /** The serverCorrelationId of the documented callback samples (§5.3). */
    private static final String CORRELATION_ID = "421a22a2-ef1d-42bc-9452-f4939a3d5cdf";
    private static final String STATUS = "/mvola/mm/transactions/type/merchantpay/1.0.0/status/" + CORRELATION_ID;
    private static final String MERCHANT_REFERENCE = "ORDER-2025-0042";

    private static final Instant NOW = Instant.parse("2025-06-02T10:15:30Z");
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private final MutableClock clock = new MutableClock(NOW);

    private MvolaStatusClient client(String baseUrl, MvolaProperties properties) {
        PaysyncProperties paysync = new PaysyncProperties(null, null, null, null, null,
                baseUrl == null ? Map.of() : Map.of("mvola", new PaysyncProperties.Provider(true, baseUrl, null,
                        List.of())));
        return new MvolaStatusClient(paysync, properties, clock);
    }

    private MvolaStatusClient client(Duration timeout) {
        return client(mvola.baseUrl(),
                new MvolaProperties(CONSUMER_KEY, CONSUMER_SECRET, PARTNER_NAME, PARTNER_MSISDN, timeout));
    }

    private MvolaStatusClient client() {
        return client((Duration) null);
    }

    private static Payment payment(String serverCorrelationId) {
        return new Payment(9, "mvola", MERCHANT_REFERENCE, serverCorrelationId, PaymentStatus.PENDING,
                new BigDecimal("10000"), "MGA", null, null, null, null, Set.of(), null, null, Source.API,
                NOW.minusSeconds(600), NOW.minusSeconds(600), null, List.of());
    }

    /** §5.1 token response (the mvola-node fixture's shape). */
    private static String token(String value, long expiresIn) {
        return "{\"access_token\":\"" + value + "\",\"scope\":\"EXT_INT_MVOLA_SCOPE\",\"token_type\":\"Bearer\","
                + "\"expires_in\":" + expiresIn + "}";
    }

    /** §5.4 status response. */
    private static String status(String status) {
        return "{\"status\":\"" + status + "\",\"serverCorrelationId\":\"" + CORRELATION_ID
                + "\",\"notificationMethod\":\"callback\",\"objectReference\":\"636042511\"}";
    }

    /** §5.1 "If invalid credentials". */
    private static final String INVALID_CREDENTIALS = "{\"fault\":{\"code\":900901,\"message\":\"Invalid Credentials\","
            + "\"description\":\"Invalid Credentials. Make sure you have given the correct access token\"}}";

    private static void tokenIs(String value, long expiresIn) {
        mvola.stubFor(post("/token").willReturn(okJson(token(value, expiresIn))));
    }

    /** The token endpoint gives {@code first}, then {@code second} for every later request. */
    private static void tokensAre(String first, String second) {
        mvola.stubFor(post("/token").inScenario("tokens").whenScenarioStateIs(STARTED)
                .willReturn(okJson(token(first, 3600))).willSetStateTo("renewed"));
        mvola.stubFor(post("/token").inScenario("tokens").whenScenarioStateIs("renewed")
                .willReturn(okJson(token(second, 3600))));
    }

    private static void statusIs(String body) {
        mvola.stubFor(get(STATUS).willReturn(okJson(body)));
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
    void completedIsSuccessKeepingTheCorrelationIdAndTheObjectReference() {
        tokenIs("token-1", 3600);
        statusIs(status("completed"));

        StatusAnswer answer = client().check(payment(CORRELATION_ID));

        PaymentUpdate update = known(answer);
        assertThat(update.provider()).isEqualTo("mvola");
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.source()).isEqualTo(Source.STATUS_CHECK);
        assertThat(update.match()).isEqualTo(Match.MERCHANT_REFERENCE);
        assertThat(update.merchantReference()).isEqualTo(MERCHANT_REFERENCE);
        assertThat(update.providerReference()).isEqualTo(CORRELATION_ID);
        assertThat(update.operator()).isEqualTo("MVOLA");
        assertThat(update.statusReason()).isEqualTo("objectReference 636042511");
        assertThat(((StatusAnswer.Known) answer).raw()).isEqualTo(status("completed"));
    }

    @Test
    void failedIsFailed() {
        tokenIs("token-1", 3600);
        statusIs(status("failed"));

        assertThat(known(client().check(payment(CORRELATION_ID))).status()).isEqualTo(PaymentStatus.FAILED);
    }

    @Test
    void pendingStaysPending() {
        tokenIs("token-1", 3600);
        statusIs("{\"status\":\"pending\",\"serverCorrelationId\":\"" + CORRELATION_ID
                + "\",\"notificationMethod\":\"polling\"}");

        PaymentUpdate update = known(client().check(payment(CORRELATION_ID)));

        assertThat(update.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(update.statusReason()).isNull();
    }

    @Test
    void readsStatusNotTheCallbacksTransactionStatus() {
        tokenIs("token-1", 3600);
        statusIs("{\"transactionStatus\":\"completed\",\"serverCorrelationId\":\"" + CORRELATION_ID + "\"}");

        assertThat(unavailable(client().check(payment(CORRELATION_ID))))
                .isEqualTo("unreadable MVola answer: missing field status");
    }

    @Test
    void statusWinsOverATransactionStatusBesideIt() {
        tokenIs("token-1", 3600);
        statusIs("{\"status\":\"pending\",\"transactionStatus\":\"completed\",\"serverCorrelationId\":\""
                + CORRELATION_ID + "\"}");

        assertThat(known(client().check(payment(CORRELATION_ID))).status()).isEqualTo(PaymentStatus.PENDING);
    }

    @Test
    void unknownStatusIsUnavailable() {
        tokenIs("token-1", 3600);
        statusIs(status("reversed"));

        assertThat(unavailable(client().check(payment(CORRELATION_ID))))
                .isEqualTo("unreadable MVola answer: unknown status 'reversed'");
    }

    @Test
    void answerAboutAnotherCorrelationIdIsUnavailable() {
        tokenIs("token-1", 3600);
        statusIs("{\"status\":\"completed\",\"serverCorrelationId\":\"00000000-0000-0000-0000-000000000000\"}");

        assertThat(unavailable(client().check(payment(CORRELATION_ID))))
                .isEqualTo("unreadable MVola answer: field serverCorrelationId is not the one asked about");
    }

    @Test
    void sendsEveryDocumentedHeaderToTheTokenAndStatusApis() {
        mvola.stubFor(post("/token")
                .withHeader("Authorization", equalTo(BASIC))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withHeader("Cache-Control", equalTo("no-cache"))
                .withRequestBody(equalTo("grant_type=client_credentials&scope=EXT_INT_MVOLA_SCOPE"))
                .willReturn(okJson(token("token-1", 3600))));
        mvola.stubFor(get(STATUS)
                .withHeader("Authorization", equalTo("Bearer token-1"))
                .withHeader("Version", equalTo("1.0"))
                .withHeader("X-CorrelationID", matching(UUID_PATTERN))
                .withHeader("UserLanguage", equalTo("FR"))
                .withHeader("UserAccountIdentifier", equalTo("msisdn;" + PARTNER_MSISDN))
                .withHeader("partnerName", equalTo(PARTNER_NAME))
                .withHeader("Cache-Control", equalTo("no-cache"))
                .withHeader("Accept", equalTo("application/json"))
                .willReturn(okJson(status("completed"))));
        MvolaStatusClient client = client();

        assertThat(known(client.check(payment(CORRELATION_ID))).status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(known(client.check(payment(CORRELATION_ID))).status()).isEqualTo(PaymentStatus.SUCCESS);

        mvola.verify(1, postRequestedFor(urlEqualTo("/token")).withHeader("Authorization", equalTo(BASIC)));
        List<LoggedRequest> checks = mvola.findAll(getRequestedFor(urlEqualTo(STATUS)));
        assertThat(checks).hasSize(2);
        assertThat(checks).extracting(request -> request.getHeader("X-CorrelationID"))
                .as("a new X-CorrelationID per request").doesNotHaveDuplicates();
    }

    @Test
    void tokenIsFetchedOnceAndReusedAcrossChecks() {
        tokenIs("token-1", 3600);
        mvola.stubFor(get(STATUS).withHeader("Authorization", equalTo("Bearer token-1"))
                .willReturn(okJson(status("pending"))));
        MvolaStatusClient client = client();

        known(client.check(payment(CORRELATION_ID)));
        clock.advance(Duration.ofSeconds(3539));
        known(client.check(payment(CORRELATION_ID)));

        mvola.verify(1, postRequestedFor(urlEqualTo("/token")));
        mvola.verify(2, getRequestedFor(urlEqualTo(STATUS)));
    }

    @Test
    void tokenIsRenewedSixtySecondsBeforeItExpires() {
        tokensAre("token-1", "token-2");
        mvola.stubFor(get(STATUS).withHeader("Authorization", equalTo("Bearer token-2"))
                .willReturn(okJson(status("completed"))));
        mvola.stubFor(get(STATUS).withHeader("Authorization", equalTo("Bearer token-1"))
                .willReturn(okJson(status("pending"))));
        MvolaStatusClient client = client();

        assertThat(known(client.check(payment(CORRELATION_ID))).status()).isEqualTo(PaymentStatus.PENDING);
        clock.advance(Duration.ofSeconds(3540));
        assertThat(known(client.check(payment(CORRELATION_ID))).status()).isEqualTo(PaymentStatus.SUCCESS);

        mvola.verify(2, postRequestedFor(urlEqualTo("/token")));
    }

    @Test
    void shortLivedTokenIsNotKept() {
        tokenIs("token-1", 30);
        statusIs(status("pending"));
        MvolaStatusClient client = client();

        known(client.check(payment(CORRELATION_ID)));
        known(client.check(payment(CORRELATION_ID)));

        mvola.verify(2, postRequestedFor(urlEqualTo("/token")));
    }

    @Test
    void unauthorizedStatusGetsOneNewTokenAndOneRetry() {
        tokensAre("token-1", "token-2");
        mvola.stubFor(get(STATUS).withHeader("Authorization", equalTo("Bearer token-1"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody(INVALID_CREDENTIALS)));
        mvola.stubFor(get(STATUS).withHeader("Authorization", equalTo("Bearer token-2"))
                .willReturn(okJson(status("completed"))));
        MvolaStatusClient client = client();

        assertThat(known(client.check(payment(CORRELATION_ID))).status()).isEqualTo(PaymentStatus.SUCCESS);
        mvola.verify(2, postRequestedFor(urlEqualTo("/token")));
        mvola.verify(1, getRequestedFor(urlEqualTo(STATUS)).withHeader("Authorization", equalTo("Bearer token-1")));
        mvola.verify(1, getRequestedFor(urlEqualTo(STATUS)).withHeader("Authorization", equalTo("Bearer token-2")));

        assertThat(known(client.check(payment(CORRELATION_ID))).status()).isEqualTo(PaymentStatus.SUCCESS);
        mvola.verify(2, postRequestedFor(urlEqualTo("/token")));
    }

    @Test
    void secondUnauthorizedIsUnavailableWithoutAThirdTry() {
        tokensAre("token-1", "token-2");
        mvola.stubFor(get(STATUS).willReturn(aResponse().withStatus(401)));

        assertThat(unavailable(client().check(payment(CORRELATION_ID))))
                .isEqualTo("MVola refused a new token: HTTP 401");
        mvola.verify(2, postRequestedFor(urlEqualTo("/token")));
        mvola.verify(2, getRequestedFor(urlEqualTo(STATUS)));
    }

    @Test
    void badCredentialsAreUnavailableWithoutAStatusCall() {
        mvola.stubFor(post("/token").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(INVALID_CREDENTIALS)));

        String reason = unavailable(client().check(payment(CORRELATION_ID)));

        assertThat(reason).isEqualTo("MVola rejected the credentials");
        assertThat(reason).doesNotContain(CONSUMER_SECRET).doesNotContain(CONSUMER_KEY);
        mvola.verify(0, getRequestedFor(urlEqualTo(STATUS)));
    }

    @Test
    void credentialFaultFromTheStatusApiIsUnavailable() {
        tokensAre("token-1", "token-2");
        mvola.stubFor(get(STATUS).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(INVALID_CREDENTIALS)));

        assertThat(unavailable(client().check(payment(CORRELATION_ID)))).isEqualTo("MVola rejected the credentials");
        mvola.verify(2, getRequestedFor(urlEqualTo(STATUS)));
    }

    @Test
    void serverErrorOfTheStatusApiIsUnavailable() {
        tokenIs("token-1", 3600);
        mvola.stubFor(get(STATUS).willReturn(aResponse().withStatus(503)));

        assertThat(unavailable(client().check(payment(CORRELATION_ID)))).isEqualTo("MVola answered HTTP 503");
    }

    @Test
    void serverErrorOfTheTokenEndpointIsUnavailable() {
        mvola.stubFor(post("/token").willReturn(aResponse().withStatus(502)));

        assertThat(unavailable(client().check(payment(CORRELATION_ID))))
                .isEqualTo("the MVola token endpoint answered HTTP 502");
        mvola.verify(0, getRequestedFor(urlEqualTo(STATUS)));
    }

    @Test
    void refusalOfTheCheckIsUnavailableWithMvolasErrorCode() {
        tokenIs("token-1", 3600);
        mvola.stubFor(get(STATUS).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errorCategory\":\"validation\",\"errorCode\":\"formatError\","
                        + "\"errorDescription\":\"Missing field\",\"errorDateTime\":\"2025-06-02T10:15:30.000Z\"}")));

        assertThat(unavailable(client().check(payment(CORRELATION_ID))))
                .isEqualTo("MVola refused the check: HTTP 400 (formatError: Missing field)");
    }

    @Test
    void slowStatusApiIsUnavailableAfterTheConfiguredTimeout() {
        tokenIs("token-1", 3600);
        mvola.stubFor(get(STATUS).willReturn(okJson(status("completed")).withFixedDelay(3000)));

        long started = System.nanoTime();
        String reason = unavailable(client(Duration.ofMillis(300)).check(payment(CORRELATION_ID)));

        assertThat(reason).isEqualTo("MVola did not answer within PT0.3S");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void slowTokenEndpointIsUnavailable() {
        mvola.stubFor(post("/token").willReturn(okJson(token("token-1", 3600)).withFixedDelay(3000)));

        assertThat(unavailable(client(Duration.ofMillis(300)).check(payment(CORRELATION_ID))))
                .isEqualTo("the MVola token endpoint did not answer within PT0.3S");
    }

    @Test
    void malformedTokenAnswerIsUnavailable() {
        mvola.stubFor(post("/token").willReturn(okJson("{\"token_type\":\"Bearer\",\"expires_in\":3600}")));

        assertThat(unavailable(client().check(payment(CORRELATION_ID))))
                .isEqualTo("MVola token answer without access_token");
    }

    @Test
    void malformedStatusAnswerIsUnavailable() {
        tokenIs("token-1", 3600);
        statusIs("{\"status\":");

        assertThat(unavailable(client().check(payment(CORRELATION_ID))))
                .startsWith("unreadable MVola answer: malformed JSON");
    }

    @Test
    void paymentWithoutServerCorrelationIdIsUnavailableWithoutACall() {
        tokenIs("token-1", 3600);

        assertThat(unavailable(client().check(payment(null)))).isEqualTo("no serverCorrelationId");
        mvola.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void missingSettingsAreUnavailableNamingThem() {
        assertThat(unavailable(client(null, new MvolaProperties(CONSUMER_KEY, CONSUMER_SECRET, PARTNER_NAME,
                PARTNER_MSISDN, null)).check(payment(CORRELATION_ID))))
                .isEqualTo("paysync.providers.mvola.base-url is not configured");
        assertThat(unavailable(client(mvola.baseUrl(), new MvolaProperties(CONSUMER_KEY, null, PARTNER_NAME, " ",
                null)).check(payment(CORRELATION_ID))))
                .isEqualTo("paysync.providers.mvola.consumer-secret, paysync.providers.mvola.partner-msisdn"
                        + " are not configured");
        mvola.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void concurrentChecksShareOneToken() throws Exception {
        tokenIs("token-1", 3600);
        statusIs(status("completed"));
        MvolaStatusClient client = client();
        int checks = 8;
        ExecutorService pool = Executors.newFixedThreadPool(checks);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StatusAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < checks; i++) {
                Callable<StatusAnswer> check = () -> {
                    start.await();
                    return client.check(payment(CORRELATION_ID));
                };
                answers.add(pool.submit(check));
            }
            start.countDown();
            for (Future<StatusAnswer> answer : answers) {
                assertThat(known(answer.get(10, TimeUnit.SECONDS)).status()).isEqualTo(PaymentStatus.SUCCESS);
            }
        } finally {
            pool.shutdownNow();
        }

        mvola.verify(1, postRequestedFor(urlEqualTo("/token")));
        mvola.verify(checks, getRequestedFor(urlEqualTo(STATUS)));
    }

    @Test
    void bindsItsKeysWithTheTimeoutDefaultAndKeepsSecretsOutOfToString() {
        MvolaProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.mvola.consumer-key", CONSUMER_KEY,
                "paysync.providers.mvola.consumer-secret", CONSUMER_SECRET,
                "paysync.providers.mvola.partner-name", PARTNER_NAME,
                "paysync.providers.mvola.partner-msisdn", PARTNER_MSISDN)))
                .bindOrCreate("paysync.providers.mvola", Bindable.of(MvolaProperties.class));

        assertThat(properties.consumerKey()).isEqualTo(CONSUMER_KEY);
        assertThat(properties.consumerSecret()).isEqualTo(CONSUMER_SECRET);
        assertThat(properties.partnerName()).isEqualTo(PARTNER_NAME);
        assertThat(properties.partnerMsisdn()).isEqualTo(PARTNER_MSISDN);
        assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.toString()).doesNotContain(CONSUMER_SECRET).doesNotContain(CONSUMER_KEY);
    }
}
