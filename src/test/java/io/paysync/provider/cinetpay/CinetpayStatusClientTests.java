package io.paysync.provider.cinetpay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.paysync.payment.Match;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.StatusClient.StatusAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The CinetPay status client against a WireMock stub of {@code /v2/payment/check} (PROVIDERS.md §2.3, §7.2). */
class CinetpayStatusClientTests {

    @RegisterExtension
    static final WireMockExtension cinetpay = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String PATH = "/v2/payment/check";
    private static final String APIKEY = "12912847765bc0db748fdd44.40081707";
    private static final String SITE_ID = "445160";
    private static final String REFERENCE = "ORDER-0001";

    /** The success response of §2.3, verbatim but for the elided description. */
    private static final String ACCEPTED = """
            {"code":"00","message":"SUCCES","data":{"amount":"100","currency":"XOF","status":"ACCEPTED",\
            "payment_method":"OM","description":"Order 0001","metadata":null,"operator_id":"MP220915.2257.A76307",\
            "payment_date":"2022-09-15 22:57:15","fund_availability_date":"2022-09-17 00:00:00"},\
            "api_response_id":"1663323067.7677"}""";

    /** The failure example of §2.3, its elided fields filled as in the success response. */
    private static final String CANCELLED = """
            {"code":"627","message":"TRANSACTION_CANCEL","data":{"amount":"100","currency":"XOF","status":"REFUSED",\
            "payment_method":"OM","description":"Order 0001","metadata":null,"operator_id":null,"payment_date":" "},\
            "api_response_id":"1663323067.7678"}""";

    private final CinetpayStatusClient client = client(Duration.ofSeconds(5));

    private static CinetpayStatusClient client(Duration timeout) {
        return new CinetpayStatusClient(cinetpay.baseUrl(), new CinetpayProperties("secret", APIKEY, SITE_ID, timeout));
    }

    static Payment payment(String merchantReference) {
        Instant created = Instant.parse("2022-09-15T22:50:00Z");
        return new Payment(1, "cinetpay", merchantReference, null, PaymentStatus.PENDING, new BigDecimal("100"), "XOF",
                null, null, null, null, Set.of(), null, null, Source.API, created, created, null, List.of());
    }

    /** An answer with this code and message, and a data.status when not null. */
    private static String answer(String code, String message, String dataStatus) {
        String data = dataStatus == null
                ? "{\"amount\":\"100\",\"currency\":\"XOF\",\"payment_method\":\"OM\"}"
                : "{\"amount\":\"100\",\"currency\":\"XOF\",\"status\":\"" + dataStatus + "\",\"payment_method\":\"OM\"}";
        return "{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"data\":" + data
                + ",\"api_response_id\":\"1663323067.7677\"}";
    }

    private static void checkAnswers(String body) {
        cinetpay.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(body)));
    }

    private StatusAnswer check() {
        return client.check(payment(REFERENCE));
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
    void mapsTheDocumentedAcceptedAnswerToSuccessWithWhatItCarries() {
        checkAnswers(ACCEPTED);

        StatusAnswer answer = check();

        PaymentUpdate update = known(answer);
        assertThat(update.provider()).isEqualTo("cinetpay");
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.source()).isEqualTo(Source.STATUS_CHECK);
        assertThat(update.match()).isEqualTo(Match.MERCHANT_REFERENCE);
        assertThat(update.merchantReference()).isEqualTo(REFERENCE);
        assertThat(update.amount()).isEqualByComparingTo("100");
        assertThat(update.currency()).isEqualTo("XOF");
        assertThat(update.operator()).isEqualTo("OM");
        assertThat(update.providerReference()).isEqualTo("MP220915.2257.A76307");
        assertThat(update.statusReason()).isEqualTo("SUCCES");
        assertThat(((StatusAnswer.Known) answer).raw()).isEqualTo(ACCEPTED);
    }

    @Test
    void asksWithTheApikeyTheSiteIdAndTheMerchantReference() {
        checkAnswers(ACCEPTED);

        check();

        cinetpay.verify(1, postRequestedFor(urlPathEqualTo(PATH))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(matchingJsonPath("$.apikey", equalTo(APIKEY)))
                .withRequestBody(matchingJsonPath("$.site_id", equalTo(SITE_ID)))
                .withRequestBody(matchingJsonPath("$.transaction_id", equalTo(REFERENCE))));
    }

    @Test
    void mapsTheDocumentedCancelToCancelledThoughItSaysRefused() {
        checkAnswers(CANCELLED);

        PaymentUpdate update = known(check());

        assertThat(update.status()).isEqualTo(PaymentStatus.CANCELLED);
        assertThat(update.statusReason()).isEqualTo("TRANSACTION_CANCEL");
        assertThat(update.providerReference()).isNull();
    }

    @ParameterizedTest(name = "code {0} {1} -> {2}")
    @CsvSource({
            "00, SUCCES, SUCCESS",
            "627, TRANSACTION_CANCEL, CANCELLED",
            "600, PAYMENT_FAILED, FAILED",
            "602, INSUFFISENT_BALANCE, FAILED",
            "604, OTP_CODE_ERROR, FAILED",
            "606, INCORRECT_SETTINGS, FAILED",
            "635, ERROR_PHONE_NUMBER_NOT_FOUND, FAILED",
            "636, ERROR_PHONE_NUMBER_NOT_SUPPORTED, FAILED",
            "641, ERROR_AMOUNT_TOO_LOW, FAILED",
            "642, ERROR_AMOUNT_TOO_HIGH, FAILED",
            "804, OPERATOR_UNAVAILABLE, FAILED",
            "807, DAILY_MAX_NUMBER_TRANSACTION_REACHED, FAILED",
            "808, DAILY_MAX_AMOUNT_TRANSACTION_REACHED, FAILED",
            "809, MONTHLY_MAX_AMOUNT_TRANSACTION_REACHED, FAILED",
            "810, MONTHLY_MAX_NUMBER_TRANSACTION_REACHED, FAILED",
            "811, WEEKLY_MAX_AMOUNT_TRANSACTION_REACHED, FAILED",
            "812, WEEKLY_MAX_NUMBER_TRANSACTION_REACHED, FAILED",
            "623, WAITING_CUSTOMER_TO_VALIDATE, PENDING",
            "662, WAITING_CUSTOMER_PAYMENT, PENDING",
            "663, WAITING_CUSTOMER_OTP_CODE, PENDING",
            "664, WAITING_CUSTOMER_PAYMENT_AT_OPERATOR_SIDE, PENDING"})
    void mapsEveryCodeOfTheTableWhenDataHasNoStatus(String code, String message, PaymentStatus expected) {
        checkAnswers(answer(code, message, null));

        PaymentUpdate update = known(check());

        assertThat(update.status()).isEqualTo(expected);
        assertThat(update.statusReason()).isEqualTo(message);
    }

    @ParameterizedTest(name = "data.status {0} (code {1}) -> {2}")
    @CsvSource({
            "ACCEPTED, 00, SUCCESS",
            "REFUSED, 600, FAILED",
            "REFUSED, 602, FAILED",
            "REFUSED, 627, CANCELLED",
            "CANCELLED, 627, CANCELLED",
            "WAITING_FOR_CUSTOMER, 662, PENDING",
            "PENDING, 662, PENDING",
            "CREATED, 662, PENDING",
            "WAITING_CUSTOMER_OTP_CODE, 663, PENDING"})
    void mapsEveryDataStatus(String dataStatus, String code, PaymentStatus expected) {
        checkAnswers(answer(code, "MESSAGE", dataStatus));

        assertThat(known(check()).status()).isEqualTo(expected);
    }

    @Test
    void takesDataStatusBeforeTheCode() {
        // the first notification of a push-confirmation operator: never FAILED (§2.5 pitfall 1)
        checkAnswers(answer("600", "PAYMENT_FAILED", "WAITING_FOR_CUSTOMER"));

        assertThat(known(check()).status()).isEqualTo(PaymentStatus.PENDING);
    }

    @Test
    void fallsBackOnTheCodeWhenDataStatusIsUnknown() {
        checkAnswers(answer("602", "INSUFFISENT_BALANCE", "SOMETHING_NEW"));

        assertThat(known(check()).status()).isEqualTo(PaymentStatus.FAILED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"REFUSED", "ACCEPTED"})
    void neverSettlesOnServiceUnavailable(String dataStatus) {
        checkAnswers(answer("603", "SERVICE_UNAVAILABLE", dataStatus));

        assertThat(unavailable(check())).contains("603", "SERVICE_UNAVAILABLE");
    }

    @Test
    void reportsServiceUnavailableWithoutDataAsUnavailable() {
        checkAnswers("{\"code\":\"603\",\"message\":\"SERVICE_UNAVAILABLE\",\"data\":null}");

        assertThat(unavailable(check())).contains("603");
    }

    @Test
    void reportsAnUnknownCodeAsUnavailable() {
        checkAnswers("{\"code\":\"609\",\"message\":\"AUTH_NOT_FOUND\"}");

        assertThat(unavailable(check())).isEqualTo("no answer to rely on: code 609 AUTH_NOT_FOUND");
    }

    @Test
    void reportsDataThatIsNotAnObjectAsUnavailable() {
        checkAnswers("{\"code\":\"00\",\"message\":\"SUCCES\",\"data\":[\"ACCEPTED\"]}");

        assertThat(unavailable(check())).isEqualTo("malformed answer: field data must be an object");
    }

    @Test
    void readsACodeSentWithAClientErrorStatus() {
        cinetpay.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(CANCELLED)));

        assertThat(known(check()).status()).isEqualTo(PaymentStatus.CANCELLED);
    }

    @Test
    void reportsAClientErrorWithoutCodeAsUnavailable() {
        cinetpay.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(404).withBody("Not Found")));

        assertThat(unavailable(check())).isEqualTo("HTTP 404, malformed answer: a JSON object was expected");
    }

    @Test
    void reportsAProviderErrorAsUnavailableEvenWithACode() {
        cinetpay.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "application/json").withBody(answer("600", "PAYMENT_FAILED", "REFUSED"))));

        assertThat(unavailable(check())).isEqualTo("HTTP 502");
    }

    @Test
    void reportsASlowProviderAsUnavailable() {
        cinetpay.stubFor(post(urlPathEqualTo(PATH)).willReturn(okJson(ACCEPTED).withFixedDelay(2_000)));

        String reason = unavailable(client(Duration.ofMillis(300)).check(payment(REFERENCE)));

        assertThat(reason).isEqualTo("timed out after 300 ms");
    }

    @Test
    void reportsAMalformedAnswerAsUnavailable() {
        checkAnswers("{\"code\":\"00\",\"data\":{\"status\":\"ACCEPTED\"");

        assertThat(unavailable(check())).isEqualTo("malformed answer: a JSON object was expected");
    }

    @Test
    void reportsAnEmptyAnswerAsUnavailable() {
        cinetpay.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)));

        assertThat(unavailable(check())).isEqualTo("empty answer");
    }

    @Test
    void reportsAnUnreadableAmountAsUnavailableRatherThanGuess() {
        checkAnswers(ACCEPTED.replace("\"amount\":\"100\"", "\"amount\":\"cent\""));

        assertThat(unavailable(check())).startsWith("malformed answer: field amount");
    }

    @Test
    void namesEveryMissingSettingAndCallsNobody() {
        CinetpayStatusClient unconfigured = new CinetpayStatusClient((String) null,
                new CinetpayProperties("secret", " ", null, null));

        String reason = unavailable(unconfigured.check(payment(REFERENCE)));

        assertThat(reason).isEqualTo("not configured: paysync.providers.cinetpay.base-url, "
                + "paysync.providers.cinetpay.apikey, paysync.providers.cinetpay.site-id");
        assertThat(cinetpay.getAllServeEvents()).isEmpty();
    }

    @Test
    void namesAMissingSiteIdWhenTheRestIsSet() {
        CinetpayStatusClient unconfigured = new CinetpayStatusClient(cinetpay.baseUrl(),
                new CinetpayProperties("secret", APIKEY, null, null));

        assertThat(unavailable(unconfigured.check(payment(REFERENCE))))
                .isEqualTo("not configured: paysync.providers.cinetpay.site-id");
        assertThat(cinetpay.getAllServeEvents()).isEmpty();
    }

    @Test
    void bindsTheCheckCredentialsAndKeepsTheApikeyOutOfToString() {
        CinetpayProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.cinetpay.secret-key", "s3cr3t",
                "paysync.providers.cinetpay.apikey", APIKEY,
                "paysync.providers.cinetpay.site-id", SITE_ID,
                "paysync.providers.cinetpay.timeout", "4s")))
                .bindOrCreate("paysync.providers.cinetpay", Bindable.of(CinetpayProperties.class));

        assertThat(properties.apikey()).isEqualTo(APIKEY);
        assertThat(properties.siteId()).isEqualTo(SITE_ID);
        assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(properties.toString()).doesNotContain(APIKEY, "s3cr3t").contains(SITE_ID);
    }

    @Test
    void defaultsToATenSecondTimeout() {
        assertThat(new CinetpayProperties("secret").timeout()).isEqualTo(Duration.ofSeconds(10));
        CinetpayProperties bound = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.cinetpay.apikey", APIKEY)))
                .bindOrCreate("paysync.providers.cinetpay", Bindable.of(CinetpayProperties.class));
        assertThat(bound.timeout()).isEqualTo(Duration.ofSeconds(10));
    }
}
