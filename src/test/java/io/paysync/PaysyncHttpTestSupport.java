package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A running paysync for HTTP tests: real requests to the public port, the mock downstream, the
 * database, provider test keys, payload builders and assertions. Subclasses share one Spring
 * context per database (same configuration), so adding a test class costs no extra start.
 */
@CamelSpringBootTest
// Camel's MBeans, as in production: Hawtio and Jolokia are tested against them (HawtioConsoleTests)
@DisableJmx(false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = "classpath:paysync-test.properties")
@Import({SwitchableDataSource.Config.class, CleanDatabase.class})
public abstract class PaysyncHttpTestSupport {

    static final Duration SETTLED = Duration.ofSeconds(15);

    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper json;
    @Autowired
    javax.sql.DataSource dataSource;

    PublicPort http;
    MockEndpoint downstream;

    @DynamicPropertySource
    static void providerKeys(DynamicPropertyRegistry registry) {
        TestSignatures.register(registry);
    }

    /** POSTs a signed EllyPay callback. */
    HttpResponse<String> ellypay(String body) {
        return http.send("POST", "/callbacks/ellypay", "application/json", body, TestSignatures.ellypay(body));
    }

    @BeforeEach
    void connect() {
        http = new PublicPort(camel);
        downstream = camel.getEndpoint("mock:downstream", MockEndpoint.class);
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
    }

    // ---------------------------------------------------------------- operations port

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int operationsPort;

    /** A request to the operations port, with HTTP Basic when a username is given. */
    HttpRequest.Builder operationsRequest(String path, String username, String password) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operationsPort + path))
                .timeout(Duration.ofSeconds(20));
        if (username != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    HttpRequest.Builder opsRequest(String path) {
        return operationsRequest(path, "ops", "test-ops-password");
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> operations(String path, String username, String password) throws Exception {
        return send(operationsRequest(path, username, password));
    }

    HttpResponse<String> anonymous(String path) throws Exception {
        return operations(path, null, null);
    }

    HttpResponse<String> asOps(String path) throws Exception {
        return send(opsRequest(path));
    }

    // ---------------------------------------------------------------- payloads

    public static String mypvit(String transactionId, String reference, String status, String code) {
        return """
                {"transactionId":"%s","merchantReferenceId":"%s","status":"%s","amount":500,"customerID":"077000001",
                 "fees":10,"totalAmount":510,"chargeOwner":"MERCHANT","transactionOperation":"PAYMENT",
                 "operator":"AIRTEL_MONEY","code":%s}""".formatted(transactionId, reference, status, code);
    }

    public static String ellypayGen2(String ref, String event, String status) {
        return """
                {"event":"%s","payload":{"id":20760,"merchant_reference":"%s","internal_reference":"ELPREF%s",
                 "transaction_type":"COLLECTION","request_currency":"UGX","request_amount":5000,
                 "transaction_amount":5000,"transaction_currency":"UGX","transaction_charge":150,
                 "transaction_account":"256700000001","provider_code":"mtn_momo_ug",
                 "transaction_status":"%s","status_message":"%s"}}""".formatted(event, ref, ref, status, status);
    }

    public static String mvola(String correlationId, String status) {
        return """
                {"transactionStatus":"%s","serverCorrelationId":"%s","transactionReference":"641235",
                 "requestDate":"2021-02-24T03:28:00.567Z","debitParty":[{"key":"msisdn","value":"0343500003"}],
                 "creditParty":[{"key":"msisdn","value":"0343500004"}],"fees":[{"feeAmount":"5.46"}],
                 "metadata":[{"key":"partnerName","value":"paysync"}]}""".formatted(status, correlationId);
    }

    public static String virtualpay(String reference, String account, String paymentStatus) {
        return """
                {"customer_id":"CUST01","virtual_account_no":"%s","virtual_account_name":"MERCHANT ID- TEST",
                 "transaction_amount":"1000.00","transaction_fee":"10.75","transaction_reference":"%s",
                 "bo_referenceno":"BO1","source_account":"0123456789","source_account_name":"ADA OBI",
                 "source_bank":"GTBANK","source_bank_code":"058","narration":"order","session_id":"S%s",
                 "transaction_date":"06-07-2022","tran_response_code":"00","tran_response_message":"Successful",
                 "channel_code":"VIRTUALPAY","payment_status":"%s","transaction_type":"static"}"""
                .formatted(account, reference, reference, paymentStatus);
    }

    // ---------------------------------------------------------------- helpers

    <T> List<T> concurrently(int count, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    void assertProblem(HttpResponse<String> response, int status, String detailPart) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).contains(detailPart);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** The fields named by a 400 validation problem. */
    List<String> invalidFields(HttpResponse<String> response) throws Exception {
        assertProblem(response, 400, "invalid");
        return json.readTree(response.body()).get("errors").findValuesAsText("field");
    }

    List<Exchange> eventsFor(String eventId) {
        return downstream.getExchanges().stream()
                .filter(e -> eventId.equals(e.getMessage().getHeader("Paysync-Event-Id")))
                .toList();
    }

    List<Exchange> awaitEvents(String eventId, int count) {
        await().atMost(SETTLED).until(() -> eventsFor(eventId).size() >= count);
        return eventsFor(eventId);
    }

    /** One message, and still one a while later (a second one would come from the same pollers). */
    void assertExactlyOneEvent(String eventId) {
        awaitEvents(eventId, 1);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> eventsFor(eventId).size() == 1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE event_id = ?", Integer.class, eventId))
                .isEqualTo(1);
    }

    /** Waits until the event is delivered; its outbox status. */
    String outboxStatus(String eventId) {
        await().atMost(SETTLED).until(() -> "DELIVERED".equals(currentOutboxStatus(eventId)));
        return currentOutboxStatus(eventId);
    }

    /** The outbox status of an event, null while there is no row yet. */
    String currentOutboxStatus(String eventId) {
        return jdbc.queryForList("SELECT status FROM outbox WHERE event_id = ?", String.class, eventId).stream()
                .findFirst().orElse(null);
    }

    JsonNode payment(String provider, String reference) throws Exception {
        HttpResponse<String> response = http.api("GET", "/api/payments/" + provider + "/" + reference, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    JsonNode awaitPayment(String provider, String reference, String status) throws Exception {
        await().atMost(SETTLED).until(() -> {
            HttpResponse<String> response = http.api("GET", "/api/payments/" + provider + "/" + reference, null);
            return response.statusCode() == 200 && status.equals(json.readTree(response.body()).get("status").asText());
        });
        return payment(provider, reference);
    }

    void awaitInboxProcessed(String provider) {
        await().atMost(SETTLED).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM callback_inbox WHERE provider = ? AND state = 'RECEIVED'", Integer.class,
                provider) == 0);
    }

    int paymentCount(String provider, String reference) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM payment WHERE provider = ? AND merchant_reference = ?",
                Integer.class, provider, reference);
    }

    String inboxValue(String provider, String column, String bodyPart) {
        return jdbc.queryForObject("SELECT " + column + " FROM callback_inbox WHERE provider = ? AND body LIKE ?",
                String.class, provider, "%" + bodyPart + "%");
    }

    static List<String> historyStatuses(JsonNode payment) {
        List<String> statuses = new ArrayList<>();
        payment.get("history").forEach(entry -> statuses.add(entry.get("status").asText()));
        return statuses;
    }
}
