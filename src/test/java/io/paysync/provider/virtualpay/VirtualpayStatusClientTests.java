package io.paysync.provider.virtualpay;

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
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The VirtualPay status client against a WireMock stub of CheckTransactionStatus (PROVIDERS.md §4.2, §7.2). */
class VirtualpayStatusClientTests {

    @RegisterExtension
    static final WireMockExtension virtualpay = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String DEFAULT_PATH = "/virtualpay/CheckTransactionStatus";
    private static final String MERCHANT_ID = "MERCH001";
    private static final String CHANNEL_CODE = "VIRTUALPAY";
    private static final String API_KEY = "0123456789abcdef0123456789abcdef";
    private static final String MERCHANT_REFERENCE = "ORDER-0001";
    /** The request id of the §4.2 sample. */
    private static final String TRANSACTION_REFERENCE = "VPAY099MJNL221659TU6";

    /** The §4.2 response: every documented field, with values in the documented formats. */
    private static final String COMPLETED = """
            {"response_code":"00","response_message":"Successful Request","response_data":{\
            "request_id":"VPAY099MJNL221659TU6","customer_id":"CUST0001","merchant_id":"MERCH001",\
            "virtual_account_no":"1444624445","virtual_account_name":"MERCHANT ID- CUST0001",\
            "captured_datetime":"2023-09-06 23:08:23","completed_datetime":"2023-09-06 23:08:25",\
            "transaction_status":"COMPLETED","amount_paid":"1000.00","amount_moved_to_pool":"990.00",\
            "source_account":"0123456789","source_bank":"ACCESS BANK","source_bank_code":"044",\
            "source_inst_code":"000014","source_account_name":"JOHN DOE","narration":"ORDER-0001",\
            "session_id":"000014230906230823123456789012","tran_response_code":"00",\
            "tran_response_message":"Successful","merchant_name":"MERCHANT","notification_sent":"Y"}}""";

    private final VirtualpayStatusClient client = client(API_KEY, null, Duration.ofSeconds(5));

    private static VirtualpayStatusClient client(String apiKey, String statusPath, Duration timeout) {
        return new VirtualpayStatusClient(virtualpay.baseUrl(),
                new VirtualpayProperties(MERCHANT_ID, CHANNEL_CODE, apiKey, statusPath, timeout));
    }

    static Payment payment(String providerReference) {
        Instant created = Instant.parse("2023-09-06T23:00:00Z");
        return new Payment(1, "virtualpay", MERCHANT_REFERENCE, providerReference, PaymentStatus.PENDING,
                new BigDecimal("1000.00"), "NGN", null, null, null, null, Set.of(), "1444624445", "CUST0001",
                Source.API, created, created, null, List.of());
    }

    private static void statusAnswers(String body) {
        virtualpay.stubFor(post(urlPathEqualTo(DEFAULT_PATH)).willReturn(okJson(body)));
    }

    private StatusAnswer check() {
        return client.check(payment(TRANSACTION_REFERENCE));
    }

    private static PaymentUpdate known(StatusAnswer answer) {
        assertThat(answer).isInstanceOf(StatusAnswer.Known.class);
        return ((StatusAnswer.Known) answer).update();
    }

    private static String unavailable(StatusAnswer answer) {
        assertThat(answer).isInstanceOf(StatusAnswer.Unavailable.class);
        return ((StatusAnswer.Unavailable) answer).reason();
    }

    private static String edit(String body, String field, String value) {
        return body.replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":\"" + value + "\"");
    }

    @Test
    void mapsACompletedTransactionToSuccessWithWhatItCarries() {
        statusAnswers(COMPLETED);

        StatusAnswer answer = check();

        PaymentUpdate update = known(answer);
        assertThat(update.provider()).isEqualTo("virtualpay");
        assertThat(update.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(update.source()).isEqualTo(Source.STATUS_CHECK);
        assertThat(update.match()).isEqualTo(Match.MERCHANT_REFERENCE);
        assertThat(update.merchantReference()).isEqualTo(MERCHANT_REFERENCE);
        assertThat(update.providerReference()).isEqualTo(TRANSACTION_REFERENCE);
        assertThat(update.amount()).isEqualByComparingTo("1000.00");
        assertThat(update.currency()).isEqualTo("NGN");
        assertThat(update.payer()).isEqualTo("0123456789");
        assertThat(update.operator()).isEqualTo("ACCESS BANK");
        assertThat(update.virtualAccount()).isEqualTo("1444624445");
        assertThat(update.customerId()).isEqualTo("CUST0001");
        assertThat(update.statusReason()).isNull();
        assertThat(((StatusAnswer.Known) answer).raw()).isEqualTo(COMPLETED);
    }

    @Test
    void asksWithTheMerchantTheTransactionReferenceAndTheChannel() {
        statusAnswers(COMPLETED);

        check();

        virtualpay.verify(1, postRequestedFor(urlPathEqualTo(DEFAULT_PATH))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Ocp-Apim-Subscription-Key", equalTo(API_KEY))
                .withRequestBody(matchingJsonPath("$.merchant_id", equalTo(MERCHANT_ID)))
                .withRequestBody(matchingJsonPath("$.request_id", equalTo(TRANSACTION_REFERENCE)))
                .withRequestBody(matchingJsonPath("$.session_id", equalTo("")))
                .withRequestBody(matchingJsonPath("$.channel_code", equalTo(CHANNEL_CODE))));
    }

    @Test
    void sendsNoSubscriptionKeyWhenNoneIsConfigured() {
        statusAnswers(COMPLETED);

        client(null, null, Duration.ofSeconds(5)).check(payment(TRANSACTION_REFERENCE));

        virtualpay.verify(1, postRequestedFor(urlPathEqualTo(DEFAULT_PATH)).withoutHeader("Ocp-Apim-Subscription-Key"));
    }

    @Test
    void asksOnTheConfiguredPath() {
        virtualpay.stubFor(post(urlPathEqualTo("/virtualpayapi/CheckTransactionStatus")).willReturn(okJson(COMPLETED)));

        StatusAnswer answer = client(API_KEY, "virtualpayapi/CheckTransactionStatus", Duration.ofSeconds(5))
                .check(payment(TRANSACTION_REFERENCE));

        assertThat(known(answer).status()).isEqualTo(PaymentStatus.SUCCESS);
    }

    @Test
    void mapsAFailingTranResponseCodeToFailed() {
        statusAnswers(edit(edit(COMPLETED, "tran_response_code", "51"), "tran_response_message", "Insufficient Funds"));

        PaymentUpdate update = known(check());

        assertThat(update.status()).isEqualTo(PaymentStatus.FAILED);
        assertThat(update.statusReason()).isEqualTo("tran_response_code 51 Insufficient Funds");
    }

    @Test
    void mapsAFailureItReportsUnderAFailedEnvelopeToFailed() {
        statusAnswers(edit(edit(COMPLETED, "response_code", "99"), "tran_response_code", "91"));

        assertThat(known(check()).status()).isEqualTo(PaymentStatus.FAILED);
    }

    @Test
    void keepsAnyOtherTransactionStatusPending() {
        String pending = COMPLETED.replace("\"tran_response_code\":\"00\",", "")
                .replace("\"tran_response_message\":\"Successful\",", "");
        statusAnswers(edit(pending, "transaction_status", "PENDING"));

        PaymentUpdate update = known(check());

        assertThat(update.status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(update.statusReason()).isEqualTo("transaction_status PENDING");
    }

    @Test
    void reportsAFailedRequestAsUnavailable() {
        statusAnswers("{\"response_code\":\"99\",\"response_message\":\"Failed Request\"}");

        assertThat(unavailable(check())).isEqualTo("response_code 99 Failed Request");
    }

    @Test
    void doesNotBelieveACompletedTransactionUnderAFailedEnvelope() {
        statusAnswers(edit(COMPLETED, "response_code", "99"));

        assertThat(unavailable(check())).startsWith("response_code 99");
    }

    @Test
    void reportsASuccessfulEnvelopeWithoutTransactionStatusAsUnavailable() {
        statusAnswers("{\"response_code\":\"00\",\"response_message\":\"Successful Request\",\"response_data\":{}}");

        assertThat(unavailable(check())).isEqualTo("malformed answer: no transaction_status");
    }

    @Test
    void reportsAProviderErrorAsUnavailable() {
        virtualpay.stubFor(post(urlPathEqualTo(DEFAULT_PATH)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"response_code\":\"99\",\"response_message\":\"Failed Request\"}")));

        assertThat(unavailable(check())).isEqualTo("HTTP 500");
    }

    @Test
    void reportsAClientErrorAsUnavailable() {
        virtualpay.stubFor(post(urlPathEqualTo(DEFAULT_PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"statusCode\":401,\"message\":\"Access denied due to invalid subscription key.\"}")));

        assertThat(unavailable(check())).isEqualTo("HTTP 401, response_code (none)");
    }

    @Test
    void reportsASlowProviderAsUnavailable() {
        virtualpay.stubFor(post(urlPathEqualTo(DEFAULT_PATH)).willReturn(okJson(COMPLETED).withFixedDelay(2_000)));

        String reason = unavailable(client(API_KEY, null, Duration.ofMillis(300)).check(payment(TRANSACTION_REFERENCE)));

        assertThat(reason).isEqualTo("timed out after 300 ms");
    }

    @Test
    void reportsAMalformedAnswerAsUnavailable() {
        statusAnswers(COMPLETED.substring(0, 60));

        assertThat(unavailable(check())).isEqualTo("malformed answer: a JSON object was expected");
    }

    @Test
    void reportsAnUnreadableAmountAsUnavailableRatherThanGuess() {
        statusAnswers(edit(COMPLETED, "amount_paid", "one thousand"));

        assertThat(unavailable(check())).startsWith("malformed answer: field amount_paid");
    }

    @Test
    void cannotAskWithoutATransactionReference() {
        assertThat(unavailable(client.check(payment(null)))).isEqualTo("no transaction reference to query");
        assertThat(virtualpay.getAllServeEvents()).isEmpty();
    }

    @Test
    void namesEveryMissingSettingAndCallsNobody() {
        VirtualpayStatusClient unconfigured = new VirtualpayStatusClient((String) null,
                new VirtualpayProperties(null, "", API_KEY, null, null));

        String reason = unavailable(unconfigured.check(payment(TRANSACTION_REFERENCE)));

        assertThat(reason).isEqualTo("not configured: paysync.providers.virtualpay.base-url, "
                + "paysync.providers.virtualpay.merchant-id, paysync.providers.virtualpay.channel-code");
        assertThat(virtualpay.getAllServeEvents()).isEmpty();
    }

    @Test
    void bindsItsKeysAndKeepsTheApiKeyOutOfToString() {
        VirtualpayProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.virtualpay.merchant-id", MERCHANT_ID,
                "paysync.providers.virtualpay.channel-code", CHANNEL_CODE,
                "paysync.providers.virtualpay.api-key", API_KEY,
                "paysync.providers.virtualpay.status-path", "/virtualpaycorporate/CheckTransactionStatus",
                "paysync.providers.virtualpay.timeout", "2s")))
                .bindOrCreate("paysync.providers.virtualpay", Bindable.of(VirtualpayProperties.class));

        assertThat(properties.merchantId()).isEqualTo(MERCHANT_ID);
        assertThat(properties.channelCode()).isEqualTo(CHANNEL_CODE);
        assertThat(properties.apiKey()).isEqualTo(API_KEY);
        assertThat(properties.statusPath()).isEqualTo("/virtualpaycorporate/CheckTransactionStatus");
        assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.toString()).doesNotContain(API_KEY);
    }

    @Test
    void defaultsToTheRetailPathAndATenSecondTimeout() {
        VirtualpayProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.virtualpay.merchant-id", MERCHANT_ID)))
                .bindOrCreate("paysync.providers.virtualpay", Bindable.of(VirtualpayProperties.class));

        assertThat(properties.statusPath()).isEqualTo("/virtualpay/CheckTransactionStatus");
        assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(10));
    }
}
