package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

/**
 * The published schemas (issue 10): every {@code payment.finalized} event the pipeline writes and
 * every payment the API answers validates against them, they refuse what the contract forbids, and
 * they are served, with the AsyncAPI document, at {@code /api/schema/…}.
 */
class EventSchemaTests extends PaysyncHttpTestSupport {

    static final String BASE = "https://paysync.invalid/schema/";
    static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BASE, "classpath:schema/")));
    static final SchemaValidatorsConfig FORMATS = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    static final JsonSchema EVENT = FACTORY.getSchema(SchemaLocation.of(BASE + "payment-finalized.json"), FORMATS);
    static final JsonSchema PAYMENT = FACTORY.getSchema(SchemaLocation.of(BASE + "payment.json"), FORMATS);

    @Test
    void everyEventThePipelineWroteValidates() throws Exception {
        // events of every kind: providers, statuses, flags, decimal amounts, absent fields
        String success = unique("SCH");
        String failed = unique("SCF");
        String conflict = unique("SCC");
        String elly = unique("SCHELLY");
        String vpOk = unique("SCVOK");
        String vpMismatch = unique("SCVMM");
        String mvola = unique("scmvola-");
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + success, success, "SUCCESS", "200"));
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + failed, failed, "FAILED", "400"));
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + conflict, conflict, "SUCCESS", "200"));
        assertThat(ellypay(ellypayGen2(elly, "transaction.completed", "COMPLETED")).statusCode()).isEqualTo(200);
        http.json("POST", "/callbacks/virtualpay", virtualpay(vpOk, "1444624445", "Complete"));
        http.json("POST", "/callbacks/virtualpay", virtualpay(vpMismatch, "1444624446", "Amount Mismatch"));
        http.json("PUT", "/callbacks/mvola", mvola(mvola, "completed"));
        awaitPayment("mypvit", conflict, "SUCCESS");
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + conflict, conflict, "FAILED", "400"));

        List<String> events = List.of("mypvit:" + success + ":SUCCESS", "mypvit:" + failed + ":FAILED",
                "mypvit:" + conflict + ":SUCCESS", "ellypay:" + elly + ":SUCCESS", "virtualpay:" + vpOk + ":SUCCESS",
                "virtualpay:" + vpMismatch + ":SUCCESS", "mvola:" + mvola + ":SUCCESS");
        events.forEach(this::outboxStatus);
        awaitFlag("mypvit", conflict, "CONFLICT");

        // every event in the outbox, this test's and whatever earlier tests of this context produced
        List<String> payloads = jdbc.queryForList("SELECT payload FROM outbox", String.class);
        assertThat(payloads).hasSizeGreaterThanOrEqualTo(events.size());
        for (String payload : payloads) {
            assertThat(EVENT.validate(json.readTree(payload))).as(payload).isEmpty();
        }
        JsonNode mismatch = json.readTree(jdbc.queryForObject("SELECT payload FROM outbox WHERE event_id = ?",
                String.class, "virtualpay:" + vpMismatch + ":SUCCESS"));
        assertThat(mismatch.get("flags").toString()).contains("AMOUNT_MISMATCH");
        assertThat(mismatch.get("amount").isNumber()).isTrue();
    }

    @Test
    void everyPaymentTheApiAnswersValidates() throws Exception {
        String reference = unique("SCAPI");
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, "SUCCESS", "200"));
        JsonNode payment = awaitPayment("mypvit", reference, "SUCCESS");
        assertThat(PAYMENT.validate(payment)).as(payment.toString()).isEmpty();

        String tracked = unique("SCTRACK");
        assertThat(http.api("PUT", "/api/payments/mvola/" + tracked, "{\"amount\":1000.50,\"currency\":\"MGA\"}")
                .statusCode()).isEqualTo(201);
        JsonNode pending = json.readTree(http.api("GET", "/api/payments/mvola/" + tracked, null).body());
        assertThat(PAYMENT.validate(pending)).as(pending.toString()).isEmpty();

        JsonNode page = json.readTree(http.api("GET", "/api/payments?limit=50", null).body());
        assertThat(page.get("items")).isNotEmpty();
        page.get("items").forEach(item -> assertThat(PAYMENT.validate(item)).as(item.toString()).isEmpty());
    }

    @Test
    void theSchemasRefuseWhatTheContractForbids() throws Exception {
        ObjectNode event = (ObjectNode) json.readTree("""
                {"eventId":"mypvit:ORDER42:SUCCESS","type":"payment.finalized","provider":"mypvit",
                 "merchantReference":"ORDER42","providerReference":"PAY2802","status":"SUCCESS","amount":500,
                 "currency":"XAF","fees":10,"payer":"077000001","operator":"AIRTEL_MONEY","statusReason":null,
                 "flags":[],"virtualAccount":null,"customerId":null,"createdAt":"2026-11-21T10:00:00Z",
                 "updatedAt":"2026-11-21T10:00:02Z","finalizedAt":"2026-11-21T10:00:02.123Z"}""");
        assertThat(EVENT.validate(event)).isEmpty();

        Map<String, JsonNode> broken = Map.of(
                "status", json.valueToTree("PENDING"),
                "amount", json.valueToTree("500"),
                "type", json.valueToTree("payment.updated"),
                "flags", json.readTree("[\"FRAUD\"]"),
                "finalizedAt", json.nullNode(),
                "merchantReference", json.valueToTree("ORDER 42"),
                "createdAt", json.valueToTree("2026-11-21 10:00:00"),
                "history", json.readTree("[]"),
                "extra", json.valueToTree("x"));
        broken.forEach((field, value) -> {
            ObjectNode wrong = event.deepCopy();
            wrong.set(field, value);
            assertThat(EVENT.validate(wrong)).as(field).isNotEmpty();
        });
        ObjectNode missing = event.deepCopy();
        missing.remove("eventId");
        assertThat(EVENT.validate(missing)).isNotEmpty();

        // the payment JSON has no eventId or type, but may carry its history
        ObjectNode payment = event.deepCopy();
        payment.remove(List.of("eventId", "type"));
        payment.set("history", json.readTree("[{\"status\":\"SUCCESS\",\"source\":\"CALLBACK\",\"at\":"
                + "\"2026-11-21T10:00:02Z\",\"detail\":null}]"));
        assertThat(PAYMENT.validate(payment)).isEmpty();
        assertThat(PAYMENT.validate(payment.deepCopy().put("eventId", "x"))).isNotEmpty();
    }

    @Test
    void theSchemasAndTheAsyncApiDocumentAreServedWithTheApiKey() throws Exception {
        for (String name : List.of("payment.json", "payment-finalized.json", "asyncapi.yaml")) {
            HttpResponse<String> served = http.api("GET", "/api/schema/" + name, null);
            assertThat(served.statusCode()).as(name).isEqualTo(200);
            assertThat(served.body()).isEqualTo(shipped(name));
        }
        assertThat(http.api("GET", "/api/schema/payment.json", null).headers().firstValue("Content-Type"))
                .hasValue("application/schema+json");
        assertThat(http.send("GET", "/api/schema/payment.json", null, null, Map.of()).statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = http.api("GET", "/api/schema/secrets.properties", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("payment-finalized.json");
        assertThat(http.api("GET", "/api/schema/..%2Fapplication.yaml", null).statusCode()).isEqualTo(404);

        JsonNode asyncapi = new ObjectMapper(new YAMLFactory()).readTree(shipped("asyncapi.yaml"));
        assertThat(asyncapi.get("asyncapi").asText()).isEqualTo("3.0.0");
        JsonNode message = asyncapi.at("/components/messages/paymentFinalized");
        assertThat(message.get("name").asText()).isEqualTo("payment.finalized");
        assertThat(message.at("/payload/schema/$ref").asText()).isEqualTo("payment-finalized.json");
        assertThat(message.at("/headers/required").toString()).contains("Paysync-Event-Id");
        // the document's own example is a valid event
        Set<ValidationMessage> example = EVENT.validate(message.at("/examples/0/payload"));
        assertThat(example).isEmpty();
    }

    private void awaitFlag(String provider, String reference, String flag) {
        await().atMost(SETTLED).until(() ->
                json.readTree(http.api("GET", "/api/payments/" + provider + "/" + reference, null).body())
                        .get("flags").toString().contains(flag));
    }

    /** A document as shipped on the classpath. */
    private static String shipped(String name) throws Exception {
        try (InputStream in = EventSchemaTests.class.getResourceAsStream("/schema/" + name)) {
            assertThat(in).as("schema/%s on the classpath", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
