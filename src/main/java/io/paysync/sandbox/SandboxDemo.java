package io.paysync.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.system.HttpReplies;
import io.paysync.system.PaysyncProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The demo of sandbox mode: sample payments of every provider initiated through the merchant API
 * ({@code POST /api/payments}, real HTTP on the public port), so that each goes through the
 * simulators, the real provider clients, the callback routes, reconciliation and the downstream
 * delivery. It runs once at start (unless {@code paysync.sandbox.demo-on-start=false}) and again on
 * {@code POST /sandbox/demo}; the log shows each step and ends with a summary of every payment.
 */
@Component("sandboxDemo")
@SandboxOnly
class SandboxDemo implements Processor {

    private static final Logger log = LoggerFactory.getLogger(SandboxDemo.class);
    private static final Set<String> FINAL = Set.of("SUCCESS", "FAILED", "CANCELLED");
    /** The summary waits this long for every payment (the lost callback waits for reconciliation). */
    static final Duration PATIENCE = Duration.ofMinutes(4);

    /** One sample payment and what it should become. */
    record Sample(String provider, String reference, String expected, String why, String request) {
    }

    private final PaysyncProperties paysync;
    private final SandboxProperties settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SandboxDemo(PaysyncProperties paysync, SandboxProperties settings) {
        this.paysync = paysync;
        this.settings = settings;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onStart() {
        log.warn("{} Merchant API key: {}.", settings.warning(), SandboxMode.SANDBOX_API_KEY.equals(paysync.api().key())
                ? "'" + SandboxMode.SANDBOX_API_KEY + "'" : "the configured paysync.api.key");
        if (settings.demoOnStart()) {
            start();
        } else {
            log.info("sandbox demo: not run at start (paysync.sandbox.demo-on-start=false);"
                    + " POST /sandbox/demo runs it");
        }
    }

    /** {@code POST /sandbox/demo}: 202 with the samples; they run in the background. */
    @Override
    public void process(Exchange exchange) {
        if (!"POST".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
            HttpReplies.write(exchange, 405, "text/plain", "POST /sandbox/demo runs the demo", Map.of("Allow", "POST"));
            return;
        }
        ArrayNode samples = SandboxRequest.JSON.createArrayNode();
        start().forEach(sample -> samples.addObject().put("provider", sample.provider())
                .put("merchantReference", sample.reference()).put("expected", sample.expected())
                .put("why", sample.why()));
        ObjectNode body = SandboxReply.object();
        body.set("payments", samples);
        HttpReplies.write(exchange, 202, "application/json", body.toString());
    }

    /** Starts one run on its own thread; its samples. */
    List<Sample> start() {
        List<Sample> samples = samples(SimulatedProvider.letters(5));
        Thread run = new Thread(() -> run(samples), "sandbox-demo");
        run.setDaemon(true);
        run.start();
        return samples;
    }

    static List<Sample> samples(String run) {
        String id = "D" + run;
        List<Sample> samples = new ArrayList<>();
        for (String[] mypvit : new String[][] {{"S1", "500", "SUCCESS"}, {"S2", "1000", "SUCCESS"},
                {"F1", "1500", "FAILED"}, {"F2", "2000", "FAILED"}}) {
            samples.add(new Sample("mypvit", id + mypvit[0], mypvit[2], "go-live checklist: " + mypvit[1]
                    + " XAF " + (mypvit[2].equals("SUCCESS") ? "<=" : ">") + " 1000", """
                    {"provider":"mypvit","merchantReference":"%s","amount":%s,"currency":"XAF","payer":"077000001",
                     "operator":"AIRTEL_MONEY","description":"demo"}""".formatted(id + mypvit[0], mypvit[1])));
        }
        samples.add(new Sample("mypvit", id + "L1", "SUCCESS", "callback lost: settled by Check Status (reconciliation)", """
                {"provider":"mypvit","merchantReference":"%s","amount":700,"currency":"XAF","payer":"077000001",
                 "operator":"MOOV_MONEY","description":"LOSECALLBACK"}""".formatted(id + "L1")));
        samples.add(new Sample("cinetpay", id + "C1", "SUCCESS", "ping, WAITING_FOR_CUSTOMER, final; /v2/payment/check", """
                {"provider":"cinetpay","merchantReference":"%s","amount":1000,"currency":"XOF","payer":"0700000000",
                 "description":"Demo order","returnUrl":"https://shop.example.com/thanks"}""".formatted(id + "C1")));
        samples.add(new Sample("cinetpay", id + "C2", "CANCELLED", "the customer declines (DECLINE)", """
                {"provider":"cinetpay","merchantReference":"%s","amount":500,"currency":"XOF","payer":"0700000000",
                 "description":"Demo DECLINE","returnUrl":"https://shop.example.com/thanks"}""".formatted(id + "C2")));
        samples.add(new Sample("ellypay", id + "E1", "SUCCESS", "signed PENDING then SUCCESSFUL callbacks", """
                {"provider":"ellypay","merchantReference":"%s","amount":5000,"currency":"UGX","payer":"256700000001",
                 "productCode":"MTN_UG"}""".formatted(id + "E1")));
        samples.add(new Sample("virtualpay", id + "V1", "SUCCESS", "transfer Complete", """
                {"provider":"virtualpay","merchantReference":"%s","amount":10000,"currency":"NGN",
                 "customerName":"Ada Demo"}""".formatted(id + "V1")));
        samples.add(new Sample("virtualpay", id + "V2", "SUCCESS", "transfer of half the amount: Amount Mismatch", """
                {"provider":"virtualpay","merchantReference":"%s","amount":10000,"currency":"NGN",
                 "customerName":"MISMATCH Demo"}""".formatted(id + "V2")));
        samples.add(new Sample("mvola", id + "M1", "SUCCESS", "test customer 0343500003", """
                {"provider":"mvola","merchantReference":"%s","amount":1000,"currency":"MGA","payer":"0343500003",
                 "description":"Demo order"}""".formatted(id + "M1")));
        samples.add(new Sample("mvola", id + "M2", "FAILED", "0343500004 is the merchant's number", """
                {"provider":"mvola","merchantReference":"%s","amount":1000,"currency":"MGA","payer":"0343500004",
                 "description":"Demo order"}""".formatted(id + "M2")));
        return samples;
    }

    private void run(List<Sample> samples) {
        log.info("sandbox demo: {} sample payments through POST /api/payments; follow them in this log,"
                + " in GET /api/payments and in Hawtio (/actuator/hawtio/ on the operations port)", samples.size());
        for (Sample sample : samples) {
            HttpResponse<String> answer = call("POST", "/api/payments", sample.request());
            log.info("sandbox demo: {} {} initiated: HTTP {} (expected: {}, {})", sample.provider(),
                    sample.reference(), answer == null ? "-" : answer.statusCode(), sample.expected(), sample.why());
        }
        Instant deadline = Instant.now().plus(PATIENCE);
        Map<Sample, String> outcome = new LinkedHashMap<>();
        while (true) {
            samples.forEach(sample -> outcome.put(sample, status(sample)));
            if (outcome.values().stream().allMatch(FINAL::contains) || Instant.now().isAfter(deadline)) {
                break;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        StringBuilder summary = new StringBuilder("sandbox demo summary (GET /api/payments for the details):");
        outcome.forEach((sample, status) -> summary.append(String.format("%n  %-10s %-10s %-9s expected %-9s %s  (%s)",
                sample.provider(), sample.reference(), status, sample.expected(),
                status.equals(sample.expected()) ? "OK" : "DIFFERENT", sample.why())));
        log.info("{}", summary);
    }

    private String status(Sample sample) {
        HttpResponse<String> answer = call("GET", "/api/payments/" + sample.provider() + "/" + sample.reference(), null);
        if (answer == null || answer.statusCode() != 200) {
            return "UNKNOWN";
        }
        try {
            JsonNode payment = SandboxRequest.JSON.readTree(answer.body());
            return payment.path("status").asText("UNKNOWN");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return "UNKNOWN";
        }
    }

    private HttpResponse<String> call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + paysync.http().port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("X-Api-Key", paysync.api().key())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            log.warn("sandbox demo: {} {} failed: {}", method, path, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
