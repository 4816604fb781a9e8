package io.paysync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.paysync.support.TestSignatures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Payment initiation and KYC through the merchant API (CONTRACT §5), against WireMock stubs of the
 * five providers' initiation APIs (one server, one path prefix per provider): the documented requests,
 * the answers for success, refusal, 5xx and timeout, idempotency, and per provider one loop from
 * initiation through the provider's real callback to exactly one downstream message.
 *
 * <p>One extra Spring context (provider base URLs, 1 s timeouts); the shared test settings keep
 * reconciliation from polling (first check after 1 h) and take unsigned final callbacks as final.
 */
class InitiationTests extends PaysyncHttpTestSupport {

    @RegisterExtension
    static WireMockExtension providers = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .build();

    static final String PUBLIC = "https://paysync.example.com";
    static final String MVOLA_TOKEN = "mvola-callback-token";
    /** A delay beyond the 1 s provider timeout of this context. */
    static final int SLOW = 1800;

    @DynamicPropertySource
    static void providerApis(DynamicPropertyRegistry registry) {
        registry.add("paysync.public-base-url", () -> PUBLIC + "/");
        for (String provider : new String[] {"mypvit", "cinetpay", "ellypay", "virtualpay", "mvola"}) {
            registry.add("paysync.providers." + provider + ".base-url", () -> providers.baseUrl() + "/" + provider);
            registry.add("paysync.providers." + provider + ".timeout", () -> "PT1S");
        }
        registry.add("paysync.providers.mypvit.account-code", () -> "ACC_TEST");
        registry.add("paysync.providers.mypvit.password", () -> "mypvit-password");
        registry.add("paysync.providers.mypvit.renew-url-code", () -> "RENEWCODE");
        registry.add("paysync.providers.mypvit.rest-url-code", () -> "RESTCODE");
        registry.add("paysync.providers.mypvit.kyc-url-code", () -> "KYCCODE");
        registry.add("paysync.providers.mypvit.callback-url-code", () -> "XD8IK");
        registry.add("paysync.providers.cinetpay.apikey", () -> "cinetpay-apikey");
        registry.add("paysync.providers.cinetpay.site-id", () -> "123456");
        registry.add("paysync.providers.ellypay.api-key", () -> "EPYPUB-test");
        registry.add("paysync.providers.ellypay.secret-key", () -> "ellypay-secret");
        registry.add("paysync.providers.ellypay.pin", () -> "1234");
        registry.add("paysync.providers.virtualpay.merchant-id", () -> "MERCHANT01");
        registry.add("paysync.providers.virtualpay.channel-code", () -> "VIRTUALPAY");
        registry.add("paysync.providers.mvola.consumer-key", () -> "mvola-key");
        registry.add("paysync.providers.mvola.consumer-secret", () -> "mvola-secret");
        registry.add("paysync.providers.mvola.partner-name", () -> "Paysync Test");
        registry.add("paysync.providers.mvola.partner-msisdn", () -> "0343500004");
        registry.add("paysync.providers.mvola.callback-token", () -> MVOLA_TOKEN);
    }

    @BeforeEach
    void stubAuthentication() {
        providers.resetAll();
        providers.stubFor(post("/mypvit/v2/RENEWCODE/renew-secret")
                .willReturn(okJson("{\"operation_account_code\":\"ACC_TEST\",\"secret\":\"sk_test\",\"expires_in\":3600}")));
        providers.stubFor(post("/mvola/token")
                .willReturn(okJson("{\"access_token\":\"mvola-access\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
    }

    // ---------------------------------------------------------------- MyPVit

    @Test
    void mypvitInitiationThenCallbackSettlesThePaymentOnce() throws Exception {
        String ref = unique("M").substring(0, 13);
        stubMypvit(200, "{\"status\":\"PENDING\",\"status_code\":\"200\",\"operator\":\"AIRTEL_MONEY\","
                + "\"reference_id\":\"PAY" + ref + "\",\"merchant_reference_id\":\"" + ref + "\",\"message\":\"initiated\"}");

        HttpResponse<String> response = initiate(mypvitRequest(ref));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().firstValue("Location")).contains("/api/payments/mypvit/" + ref);
        JsonNode payment = json.readTree(response.body());
        assertThat(payment.get("status").asText()).isEqualTo("PENDING");
        assertThat(payment.get("providerReference").asText()).isEqualTo("PAY" + ref);
        assertThat(payment.get("amount").decimalValue()).isEqualByComparingTo("500");
        assertThat(nextCheckAt("mypvit", ref)).isNotNull();
        providers.verify(postRequestedFor(urlEqualTo("/mypvit/v2/RESTCODE/rest"))
                .withHeader("X-Secret", equalTo("sk_test"))
                .withHeader("X-Callback-MediaType", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"amount":500,"reference":"%s","service":"RESTFUL","callback_url_code":"XD8IK",
                         "customer_account_number":"077000001","merchant_operation_account_code":"ACC_TEST",
                         "transaction_type":"PAYMENT","operator_code":"AIRTEL_MONEY","owner_charge":"MERCHANT",
                         "owner_charge_operator":"MERCHANT"}""".formatted(ref))));

        HttpResponse<String> ack = http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200"));
        assertThat(ack.statusCode()).isEqualTo(200);

        JsonNode settled = awaitPayment("mypvit", ref, "SUCCESS");
        assertThat(historyStatuses(settled)).containsExactly("PENDING", "PENDING", "SUCCESS");
        assertExactlyOneEvent("mypvit:" + ref + ":SUCCESS");
    }

    @Test
    void mypvitRefusalIs422WithTheProviderCodeAndAFailedPaymentDeliveredOnce() throws Exception {
        String ref = unique("F").substring(0, 13);
        stubMypvit(400, "{\"status\":\"FAILED\",\"status_code\":\"400\",\"message\":\"Invalid customer account\"}");

        HttpResponse<String> response = initiate(mypvitRequest(ref));

        assertProblem(response, 422, "mypvit refused the payment: 400: Invalid customer account");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("providerCode").asText()).isEqualTo("400");
        assertThat(problem.get("providerMessage").asText()).isEqualTo("Invalid customer account");
        assertThat(problem.get("payment").get("status").asText()).isEqualTo("FAILED");
        JsonNode payment = payment("mypvit", ref);
        assertThat(payment.get("status").asText()).isEqualTo("FAILED");
        assertThat(payment.get("statusReason").asText()).contains("Invalid customer account");
        assertExactlyOneEvent("mypvit:" + ref + ":FAILED");
    }

    @Test
    void mypvitServerErrorIs502AndKeepsNothingSoTheRequestCanBeRepeated() throws Exception {
        String ref = unique("E").substring(0, 13);
        stubMypvit(503, "{\"error\":\"SERVICE_UNAVAILABLE\"}");

        assertProblem(initiate(mypvitRequest(ref)), 502, "mypvit did not take the payment (MyPVit answered HTTP 503)");
        assertThat(paymentCount("mypvit", ref)).isZero();

        stubMypvit(200, "{\"status\":\"PENDING\",\"reference_id\":\"PAY" + ref + "\"}");
        assertThat(initiate(mypvitRequest(ref)).statusCode()).isEqualTo(202);
        assertThat(payment("mypvit", ref).get("providerReference").asText()).isEqualTo("PAY" + ref);
    }

    @Test
    void mypvitTimeoutIs504AndKeepsThePaymentPendingForReconciliationWithoutAskingAgain() throws Exception {
        String ref = unique("T").substring(0, 13);
        providers.stubFor(post("/mypvit/v2/RESTCODE/rest").willReturn(okJson("{\"status\":\"PENDING\"}")
                .withFixedDelay(SLOW)));

        HttpResponse<String> response = initiate(mypvitRequest(ref));

        assertProblem(response, 504, "it may have taken the payment, which is kept PENDING and reconciled");
        assertThat(json.readTree(response.body()).get("payment").get("status").asText()).isEqualTo("PENDING");
        assertThat(payment("mypvit", ref).get("history").toString()).contains("initiation outcome unknown");
        assertThat(nextCheckAt("mypvit", ref)).isNotNull();

        HttpResponse<String> again = initiate(mypvitRequest(ref));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json.readTree(again.body()).get("status").asText()).isEqualTo("PENDING");
        providers.verify(1, postRequestedFor(urlEqualTo("/mypvit/v2/RESTCODE/rest")));
    }

    @Test
    void mypvitReferencesItWouldAlterAreRefusedBeforeAnythingIsSent() throws Exception {
        for (String ref : new String[] {"LT-2-17747", "ABCDEFGHIJKLMNOP"}) {
            HttpResponse<String> response = initiate(mypvitRequest(ref));
            assertProblem(response, 400, "the request is invalid");
            assertThat(json.readTree(response.body()).get("errors").toString())
                    .contains("merchantReference").contains("strips its dashes");
            assertThat(paymentCount("mypvit", ref)).isZero();
        }
        providers.verify(0, postRequestedFor(urlPathMatching("/mypvit/v2/RESTCODE/.*")));
    }

    // ---------------------------------------------------------------- CinetPay

    @Test
    void cinetpayInitiationHandsOutThePaymentUrlAndTheCheckSettlesTheNotifiedPayment() throws Exception {
        String ref = unique("CP");
        providers.stubFor(post("/cinetpay/v2/payment").willReturn(okJson("""
                {"code":"201","message":"CREATED","description":"Transaction created with success",
                 "data":{"payment_token":"TOK%s","payment_url":"https://checkout.cinetpay.com/payment/TOK%s"},
                 "api_response_id":"1663323067.7677"}""".formatted(ref, ref))));
        providers.stubFor(post("/cinetpay/v2/payment/check").willReturn(okJson("""
                {"code":"00","message":"SUCCES","data":{"amount":"1000","currency":"XOF","status":"ACCEPTED",
                 "payment_method":"OM","operator_id":"MP%s","payment_date":"2022-09-15 22:57:15"}}""".formatted(ref))));

        HttpResponse<String> response = initiate(cinetpayRequest(ref, 1000));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode payment = json.readTree(response.body());
        assertThat(payment.get("providerReference").asText()).isEqualTo("TOK" + ref);
        assertThat(payment.get("initiation").get("paymentUrl").asText())
                .isEqualTo("https://checkout.cinetpay.com/payment/TOK" + ref);
        providers.verify(postRequestedFor(urlEqualTo("/cinetpay/v2/payment")).withRequestBody(equalToJson("""
                {"apikey":"cinetpay-apikey","site_id":"123456","transaction_id":"%s","amount":1000,"currency":"XOF",
                 "description":"Order 42","notify_url":"%s/callbacks/cinetpay","return_url":"https://shop.example.com/done",
                 "channels":"MOBILE_MONEY","lang":"fr","customer_phone_number":"0700000000"}""".formatted(ref, PUBLIC))));

        String form = "cpm_site_id=123456&cpm_trans_id=" + ref + "&cpm_amount=1000&cpm_currency=XOF"
                + "&cpm_error_message=SUCCES";
        assertThat(http.send("POST", "/callbacks/cinetpay", "application/x-www-form-urlencoded", form,
                TestSignatures.cinetpay(form)).statusCode()).isEqualTo(200);

        awaitPayment("cinetpay", ref, "SUCCESS");
        assertExactlyOneEvent("cinetpay:" + ref + ":SUCCESS");
    }

    @Test
    void cinetpayRefusalServerErrorAndTimeout() throws Exception {
        String refused = unique("CPR");
        providers.stubFor(post("/cinetpay/v2/payment").withRequestBody(matchingJsonPath("$.transaction_id",
                equalTo(refused))).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"code\":\"608\",\"message\":\"MINIMUM_REQUIRED_FIELDS\",\"description\":\"site_id missing\"}")));
        assertProblem(initiate(cinetpayRequest(refused, 100)), 422, "608: MINIMUM_REQUIRED_FIELDS: site_id missing");
        assertThat(payment("cinetpay", refused).get("status").asText()).isEqualTo("FAILED");
        assertExactlyOneEvent("cinetpay:" + refused + ":FAILED");

        String down = unique("CPD");
        providers.stubFor(post("/cinetpay/v2/payment").withRequestBody(matchingJsonPath("$.transaction_id",
                equalTo(down))).willReturn(aResponse().withStatus(500)));
        assertProblem(initiate(cinetpayRequest(down, 100)), 502, "CinetPay answered HTTP 500");
        assertThat(paymentCount("cinetpay", down)).isZero();

        String slow = unique("CPS");
        providers.stubFor(post("/cinetpay/v2/payment").withRequestBody(matchingJsonPath("$.transaction_id",
                equalTo(slow))).willReturn(okJson("{\"code\":\"201\"}").withFixedDelay(SLOW)));
        assertProblem(initiate(cinetpayRequest(slow, 100)), 504, "kept PENDING and reconciled");
        assertThat(payment("cinetpay", slow).get("status").asText()).isEqualTo("PENDING");
    }

    @Test
    void cinetpayAmountsMustBeWholeMultiplesOfFive() throws Exception {
        String ref = unique("CP5");
        HttpResponse<String> response = initiate(cinetpayRequest(ref, 102));
        assertProblem(response, 400, "the request is invalid");
        assertThat(json.readTree(response.body()).get("errors").get(0).get("field").asText()).isEqualTo("amount");
        providers.verify(0, anyRequestedFor(urlPathMatching("/cinetpay/.*")));
    }

    // ---------------------------------------------------------------- EllyPay

    @Test
    void ellypayValidatesThenConfirmsWithTheHashedPinAndItsSignedCallbackSettlesThePayment() throws Exception {
        String ref = unique("AGREF");
        providers.stubFor(post("/ellypay/merchant/validate-account").willReturn(okJson(
                "{\"status\":\"SUCCESSFUL\",\"validation_reference\":\"VAL" + ref + "\",\"customer_name\":\"ADA\"}")));
        providers.stubFor(post("/ellypay/merchant/process-payment").willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id":24546,"amount":5000,"product_code":"MTN_UG","agent_reference":"%s",
                         "internal_reference":"ELPREF%s","status":"PENDING","message":"processing"}""".formatted(ref, ref))));

        HttpResponse<String> response = initiate(ellypayRequest(ref));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json.readTree(response.body()).get("providerReference").asText()).isEqualTo("ELPREF" + ref);
        providers.verify(postRequestedFor(urlEqualTo("/ellypay/merchant/validate-account"))
                .withHeader("ApiKey", equalTo("EPYPUB-test"))
                .withHeader("Signature", matching("t=[0-9]{13},s=[0-9a-f]{64}"))
                .withRequestBody(equalToJson("""
                        {"agent_reference":"%s","account_number":"256700000001","product_code":"MTN_UG","amount":5000}"""
                        .formatted(ref))));
        // upper(sha1("1234")), PROVIDERS.md §3.2
        providers.verify(postRequestedFor(urlEqualTo("/ellypay/merchant/process-payment")).withRequestBody(equalToJson(
                "{\"validation_reference\":\"VAL" + ref + "\",\"pin\":\"7110EDA4D09E062AA5E4A390B0A572AC0D2C0220\"}")));

        String callback = """
                {"id":24546,"amount":5000,"product_code":"MTN_UG","agent_reference":"%s",
                 "internal_reference":"ELPREF%s","agent_commission":50,"status":"SUCCESSFUL","message":"ok"}"""
                .formatted(ref, ref);
        assertThat(ellypay(callback).statusCode()).isEqualTo(200);

        awaitPayment("ellypay", ref, "SUCCESS");
        assertExactlyOneEvent("ellypay:" + ref + ":SUCCESS");
    }

    @Test
    void ellypayValidationRefusalFailsThePaymentAndConfirmationErrorsFollowTheirStep() throws Exception {
        String refused = unique("AGR");
        providers.stubFor(post("/ellypay/merchant/validate-account").withRequestBody(matchingJsonPath(
                "$.agent_reference", equalTo(refused))).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":\"INVALID_ACCOUNT\",\"message\":\"Account not found\"}")));
        assertProblem(initiate(ellypayRequest(refused)), 422, "INVALID_ACCOUNT: Account not found");
        assertThat(payment("ellypay", refused).get("status").asText()).isEqualTo("FAILED");
        assertExactlyOneEvent("ellypay:" + refused + ":FAILED");

        providers.stubFor(post("/ellypay/merchant/validate-account").withRequestBody(matchingJsonPath(
                "$.agent_reference", matching("AG[DST].*"))).willReturn(okJson("{\"validation_reference\":\"V1\"}")));
        String down = unique("AGD");
        providers.stubFor(post("/ellypay/merchant/process-payment").willReturn(aResponse().withStatus(502)));
        assertProblem(initiate(ellypayRequest(down)), 502, "EllyPay payment confirmation answered HTTP 502");
        assertThat(paymentCount("ellypay", down)).isZero();

        String slow = unique("AGS");
        providers.stubFor(post("/ellypay/merchant/process-payment").willReturn(aResponse().withStatus(202)
                .withFixedDelay(SLOW)));
        assertProblem(initiate(ellypayRequest(slow)), 504, "kept PENDING and reconciled");
        assertThat(payment("ellypay", slow).get("status").asText()).isEqualTo("PENDING");

        // a validation that times out cannot have charged anyone: nothing is kept
        String slowValidation = unique("AGT");
        providers.stubFor(post("/ellypay/merchant/validate-account").withRequestBody(matchingJsonPath(
                "$.agent_reference", equalTo(slowValidation))).willReturn(okJson("{}").withFixedDelay(SLOW)));
        assertProblem(initiate(ellypayRequest(slowValidation)), 504, "nothing was kept");
        assertThat(paymentCount("ellypay", slowValidation)).isZero();
    }

    // ---------------------------------------------------------------- VirtualPay

    @Test
    void virtualpayHandsOutTheVirtualAccountAndATransferIntoItSettlesThePayment() throws Exception {
        String ref = unique("VP");
        String account = "14" + ref.substring(ref.length() - 8);
        stubVirtualpay(ref, okJson("""
                {"response_code":"00","response_message":"Successful Request","response_data":{
                 "virtual_acct_no":"%s","virtual_acct_name":"MERCHANT ID- TEST","request_id":"REQ%s",
                 "expiry_datetime":"2024-06-20 15:47:23"}}""".formatted(account, ref)));

        HttpResponse<String> response = initiate(virtualpayRequest(ref));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode payment = json.readTree(response.body());
        assertThat(payment.get("providerReference").asText()).isEqualTo("REQ" + ref);
        assertThat(payment.get("virtualAccount").asText()).isEqualTo(account);
        assertThat(payment.get("initiation").get("virtualAccountNumber").asText()).isEqualTo(account);
        providers.verify(postRequestedFor(urlEqualTo("/virtualpay/virtualpay/GenerateVirtualAccountNumber"))
                .withRequestBody(equalToJson("""
                        {"customer_id":"%s","merchant_id":"MERCHANT01","channel_code":"VIRTUALPAY",
                         "transaction_amount":"1000.00","currency":"NGN","customer_name":"Ada Obi"}""".formatted(ref))));

        String transfer = "VPAYTO" + ref;
        assertThat(http.json("POST", "/callbacks/virtualpay", virtualpay(transfer, account, "Complete")).statusCode())
                .isEqualTo(200);

        JsonNode settled = awaitPayment("virtualpay", ref, "SUCCESS");
        assertThat(settled.get("flags")).isEmpty();
        assertThat(paymentCount("virtualpay", transfer)).isZero();
        assertExactlyOneEvent("virtualpay:" + ref + ":SUCCESS");
    }

    @Test
    void virtualpayRefusalServerErrorAndTimeoutLeaveNoAccountToPayInto() throws Exception {
        String refused = unique("VPR");
        stubVirtualpay(refused, okJson("{\"response_code\":\"99\",\"response_message\":\"Failed Request\"}"));
        assertProblem(initiate(virtualpayRequest(refused)), 422, "99: Failed Request");
        assertExactlyOneEvent("virtualpay:" + refused + ":FAILED");

        String down = unique("VPD");
        stubVirtualpay(down, aResponse().withStatus(500));
        assertProblem(initiate(virtualpayRequest(down)), 502, "HTTP 500");
        assertThat(paymentCount("virtualpay", down)).isZero();

        String slow = unique("VPS");
        stubVirtualpay(slow, okJson("{\"response_code\":\"00\"}").withFixedDelay(SLOW));
        assertProblem(initiate(virtualpayRequest(slow)), 504, "nothing was kept");
        assertThat(paymentCount("virtualpay", slow)).isZero();
    }

    // ---------------------------------------------------------------- MVola

    @Test
    void mvolaInitiationSendsEveryHeaderAndItsCallbackIsMatchedByServerCorrelationId() throws Exception {
        String ref = unique("MV");
        String correlationId = UUID.randomUUID().toString();
        providers.stubFor(post("/mvola/mvola/mm/transactions/type/merchantpay/1.0.0/").willReturn(aResponse()
                .withStatus(202).withHeader("Content-Type", "application/json").withBody(
                        "{\"status\":\"pending\",\"serverCorrelationId\":\"" + correlationId
                                + "\",\"notificationMethod\":\"callback\"}")));

        HttpResponse<String> response = initiate(mvolaRequest(ref));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json.readTree(response.body()).get("providerReference").asText()).isEqualTo(correlationId);
        providers.verify(postRequestedFor(urlEqualTo("/mvola/mvola/mm/transactions/type/merchantpay/1.0.0/"))
                .withHeader("Authorization", equalTo("Bearer mvola-access"))
                .withHeader("Version", equalTo("1.0"))
                .withHeader("X-CorrelationID", matching("[0-9a-f-]{36}"))
                .withHeader("UserLanguage", equalTo("FR"))
                .withHeader("UserAccountIdentifier", equalTo("msisdn;0343500004"))
                .withHeader("partnerName", equalTo("Paysync Test"))
                .withHeader("X-Callback-URL", equalTo(PUBLIC + "/callbacks/mvola?token=" + MVOLA_TOKEN))
                .withRequestBody(matchingJsonPath("$.requestDate",
                        matching("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z")))
                .withRequestBody(equalToJson("""
                        {"amount":"1000","currency":"Ar","descriptionText":"Order 42","requestingOrganisationTransactionReference":"%s",
                         "requestDate":"${json-unit.any-string}","originalTransactionReference":"%s",
                         "debitParty":[{"key":"msisdn","value":"0343500003"}],"creditParty":[{"key":"msisdn","value":"0343500004"}],
                         "metadata":[{"key":"partnerName","value":"Paysync Test"},{"key":"fc","value":"USD"},{"key":"amountFc","value":"1"}]}"""
                        .formatted(ref, ref))));

        HttpResponse<String> ack = http.json("PUT", "/callbacks/mvola?token=" + MVOLA_TOKEN,
                mvola(correlationId, "completed"));
        assertThat(ack.statusCode()).isEqualTo(200);

        JsonNode settled = awaitPayment("mvola", ref, "SUCCESS");
        assertThat(settled.get("flags")).isEmpty();
        assertExactlyOneEvent("mvola:" + ref + ":SUCCESS");
    }

    @Test
    void mvolaRefusalServerErrorAndTimeout() throws Exception {
        String refused = unique("MVR");
        stubMvola(refused, aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                {"errorCategory":"validation","errorCode":"formatError","errorDescription":"Missing field",
                 "errorDateTime":"2024-01-01T00:00:00.000Z","errorParameters":[{"key":"mmErrorCode","value":"4001"}]}"""));
        HttpResponse<String> response = initiate(mvolaRequest(refused));
        assertProblem(response, 422, "formatError/4001: Missing field");
        assertThat(json.readTree(response.body()).get("providerCode").asText()).isEqualTo("formatError/4001");
        assertExactlyOneEvent("mvola:" + refused + ":FAILED");

        String down = unique("MVD");
        stubMvola(down, aResponse().withStatus(503));
        assertProblem(initiate(mvolaRequest(down)), 502, "MVola answered HTTP 503");
        assertThat(paymentCount("mvola", down)).isZero();

        String slow = unique("MVS");
        stubMvola(slow, okJson("{\"status\":\"pending\"}").withFixedDelay(SLOW));
        assertProblem(initiate(mvolaRequest(slow)), 504, "kept PENDING and reconciled");
        assertThat(payment("mvola", slow).get("status").asText()).isEqualTo("PENDING");
    }

    @Test
    void mvolaRulesAreCheckedBeforeAnythingIsSent() throws Exception {
        HttpResponse<String> response = initiate("""
                {"provider":"mvola","merchantReference":"%s","amount":1000.5,"currency":"MGA","payer":"0343500003",
                 "description":"%s"}""".formatted(unique("MV"), "Order #42 " + "x".repeat(50)));
        assertProblem(response, 400, "the request is invalid: 2 errors");
        assertThat(json.readTree(response.body()).get("errors").toString()).contains("amount").contains("description");
        providers.verify(0, anyRequestedFor(urlPathMatching("/mvola/mvola/.*")));
    }

    // ---------------------------------------------------------------- idempotency and validation

    @Test
    void aDifferentRequestUnderAnInitiatedReferenceIsAConflictNamingTheFields() throws Exception {
        String ref = unique("I").substring(0, 13);
        stubMypvit(200, "{\"status\":\"PENDING\",\"reference_id\":\"PAY" + ref + "\"}");
        assertThat(initiate(mypvitRequest(ref)).statusCode()).isEqualTo(202);

        assertThat(initiate(mypvitRequest(ref).replace("500", "500.00")).statusCode()).isEqualTo(200);
        assertProblem(initiate(mypvitRequest(ref).replace("500", "600").replace("AIRTEL_MONEY", "MOOV_MONEY")), 409,
                "was initiated with a different amount, operator");
        providers.verify(1, postRequestedFor(urlEqualTo("/mypvit/v2/RESTCODE/rest")));
        assertThat(payment("mypvit", ref).get("amount").decimalValue()).isEqualByComparingTo("500");
    }

    @Test
    void aTrackedPaymentCannotBeInitiatedUnderItsReference() throws Exception {
        String ref = unique("K").substring(0, 13);
        assertThat(http.api("PUT", "/api/payments/mypvit/" + ref, "{\"amount\":500,\"currency\":\"XAF\"}")
                .statusCode()).isEqualTo(201);

        assertProblem(initiate(mypvitRequest(ref)), 409, "not initiated through POST /api/payments");
        providers.verify(0, postRequestedFor(urlEqualTo("/mypvit/v2/RESTCODE/rest")));
    }

    @Test
    void invalidRequestsGetEveryFieldErrorAndChangeNothing() throws Exception {
        HttpResponse<String> response = initiate("""
                {"provider":"mypvit","merchantReference":"BAD REF","amount":"500","currency":"xaf","payer":"abc",
                 "operator":"AIRTEL_MONEY","color":"blue"}""");

        assertProblem(response, 400, "the request is invalid: 5 errors");
        assertThat(json.readTree(response.body()).get("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("merchantReference", "amount", "currency", "payer", "color");
        assertProblem(initiate("{\"provider\":\"paypal\",\"merchantReference\":\"X1\",\"amount\":1,\"currency\":\"XAF\"}"),
                400, "1 error");
        assertProblem(http.send("POST", "/api/payments", "text/plain", "{}", Map.of("X-Api-Key", "test-api-key")), 415,
                "application/json");
        assertProblem(http.json("POST", "/api/payments", mypvitRequest("NOKEY1")), 401, "X-Api-Key");
        assertThat(paymentCount("mypvit", "NOKEY1")).isZero();
        providers.verify(0, anyRequestedFor(urlPathMatching("/mypvit/v2/RESTCODE/.*")));
    }

    @Test
    void emptyStringsAndAmountsOutOfRangeAreFieldErrorsAndNothingIsSent() throws Exception {
        HttpResponse<String> empty = initiate("""
                {"provider":"mypvit","merchantReference":"","amount":500,"currency":"","payer":"","description":"",
                 "operator":"AIRTEL_MONEY"}""");
        assertThat(invalidFields(empty))
                .containsExactlyInAnyOrder("merchantReference", "currency", "payer", "description");

        String ref = unique("EMPTY");
        assertThat(invalidFields(initiate(ellypayRequest(ref).replace("\"MTN_UG\"", "\"\""))))
                .containsExactly("productCode");
        assertThat(invalidFields(initiate(virtualpayRequest(ref).replace("\"customerName\"",
                "\"customerId\":\"\",\"customerName\"")))).containsExactly("customerId");
        for (String amount : new String[] {"1e2147483648", "1e400"}) {
            assertThat(invalidFields(initiate(mypvitRequest(ref).replace("\"amount\":500", "\"amount\":" + amount))))
                    .containsExactly("amount");
        }
        providers.verify(0, anyRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void theProviderIsSentTheAmountExactlyAsRequested() throws Exception {
        String ref = unique("VPX");
        stubVirtualpay(ref, okJson("""
                {"response_code":"00","response_message":"Successful Request","response_data":{
                 "virtual_acct_no":"14%s","virtual_acct_name":"MERCHANT ID- TEST","request_id":"REQ%s"}}"""
                .formatted(ref.substring(ref.length() - 8), ref)));

        HttpResponse<String> response = initiate(virtualpayRequest(ref)
                .replace("\"amount\":1000", "\"amount\":999999999999999.99"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.body()).contains("\"amount\":999999999999999.99,");
        providers.verify(postRequestedFor(urlEqualTo("/virtualpay/virtualpay/GenerateVirtualAccountNumber"))
                .withRequestBody(matchingJsonPath("$.transaction_amount", equalTo("999999999999999.99"))));

        // EllyPay is sent the JSON number as written: 5000.00, not 5000.0 (a double) nor 5E+3
        providers.stubFor(post("/ellypay/merchant/validate-account").willReturn(aResponse().withStatus(500)));
        String agent = unique("AGX");
        assertProblem(initiate(ellypayRequest(agent).replace("\"amount\":5000", "\"amount\":5000.00")), 502,
                "HTTP 500");
        providers.verify(postRequestedFor(urlEqualTo("/ellypay/merchant/validate-account"))
                .withRequestBody(containing("\"agent_reference\":\"" + agent + "\""))
                .withRequestBody(containing("\"amount\":5000.00")));
    }

    // ---------------------------------------------------------------- KYC

    @Test
    void mypvitKycAnswersTheAccountHolder() throws Exception {
        providers.stubFor(get(urlPathEqualTo("/mypvit/v2/KYCCODE/kyc"))
                .withQueryParam("customerAccountNumber", equalTo("077000001"))
                .withQueryParam("operatorCode", equalTo("AIRTEL_MONEY"))
                .withHeader("X-Secret", equalTo("sk_test"))
                .willReturn(okJson("{\"full_name\":\"ADA OBI\",\"customer_account_number\":\"077000001\","
                        + "\"is_active\":true,\"operator\":\"AIRTEL_MONEY\",\"account_code\":\"ACC_TEST\"}")));

        HttpResponse<String> response = http.api("GET", "/api/kyc/mypvit?msisdn=077000001&operator=AIRTEL_MONEY", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json.readTree(response.body())).isEqualTo(json.readTree(
                "{\"fullName\":\"ADA OBI\",\"msisdn\":\"077000001\",\"active\":true,\"operator\":\"AIRTEL_MONEY\"}"));
        providers.verify(1, getRequestedFor(urlPathEqualTo("/mypvit/v2/KYCCODE/kyc")));
    }

    @Test
    void kycRefusalsAreProblems() throws Exception {
        providers.stubFor(get(urlPathEqualTo("/mypvit/v2/KYCCODE/kyc")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"CUSTOMER_NOT_FOUND\",\"message\":\"unknown account\"}")));
        assertProblem(http.api("GET", "/api/kyc/mypvit?msisdn=077000009&operator=MOOV_MONEY", null), 404,
                "unknown account");
        assertProblem(http.api("GET", "/api/kyc/cinetpay?msisdn=077000001&operator=OM", null), 501,
                "cinetpay offers no customer identity check");
        assertProblem(http.api("GET", "/api/kyc/paypal?msisdn=077000001", null), 404, "unknown provider");
        HttpResponse<String> invalid = http.api("GET", "/api/kyc/mypvit?msisdn=077000001", null);
        assertProblem(invalid, 400, "1 error");
        assertThat(json.readTree(invalid.body()).get("errors").get(0).get("field").asText()).isEqualTo("operator");
        assertProblem(http.send("GET", "/api/kyc/mypvit?msisdn=077000001&operator=AIRTEL_MONEY", null, null, Map.of()),
                401, "X-Api-Key");
        providers.stubFor(get(urlPathEqualTo("/mypvit/v2/KYCCODE/kyc")).willReturn(okJson("{}").withFixedDelay(SLOW)));
        assertProblem(http.api("GET", "/api/kyc/mypvit?msisdn=077000001&operator=AIRTEL_MONEY", null), 504,
                "did not answer within PT1S");
    }

    // ---------------------------------------------------------------- helpers

    private HttpResponse<String> initiate(String body) {
        return http.api("POST", "/api/payments", body);
    }

    private Object nextCheckAt(String provider, String ref) {
        return jdbc.queryForObject("SELECT next_check_at FROM payment WHERE provider = ? AND merchant_reference = ?",
                Object.class, provider, ref);
    }

    private static String mypvitRequest(String ref) {
        return """
                {"provider":"mypvit","merchantReference":"%s","amount":500,"currency":"XAF","payer":"077000001",
                 "operator":"AIRTEL_MONEY"}""".formatted(ref);
    }

    private static String cinetpayRequest(String ref, int amount) {
        return """
                {"provider":"cinetpay","merchantReference":"%s","amount":%d,"currency":"XOF","payer":"0700000000",
                 "description":"Order 42","returnUrl":"https://shop.example.com/done","channels":"MOBILE_MONEY"}"""
                .formatted(ref, amount);
    }

    private static String ellypayRequest(String ref) {
        return """
                {"provider":"ellypay","merchantReference":"%s","amount":5000,"currency":"UGX","payer":"256700000001",
                 "productCode":"MTN_UG"}""".formatted(ref);
    }

    private static String virtualpayRequest(String ref) {
        return """
                {"provider":"virtualpay","merchantReference":"%s","amount":1000,"currency":"NGN",
                 "customerName":"Ada Obi"}""".formatted(ref);
    }

    private static String mvolaRequest(String ref) {
        return """
                {"provider":"mvola","merchantReference":"%s","amount":1000,"currency":"MGA","payer":"0343500003",
                 "description":"Order 42"}""".formatted(ref);
    }

    private static void stubMypvit(int status, String body) {
        providers.stubFor(post("/mypvit/v2/RESTCODE/rest").willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static void stubVirtualpay(String ref, ResponseDefinitionBuilder answer) {
        providers.stubFor(post("/virtualpay/virtualpay/GenerateVirtualAccountNumber")
                .withRequestBody(matchingJsonPath("$.customer_id", equalTo(ref))).willReturn(answer));
    }

    private static void stubMvola(String ref, ResponseDefinitionBuilder answer) {
        providers.stubFor(post("/mvola/mvola/mm/transactions/type/merchantpay/1.0.0/")
                .withRequestBody(matchingJsonPath("$.requestingOrganisationTransactionReference", equalTo(ref)))
                .willReturn(answer));
    }
}
