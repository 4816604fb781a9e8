package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The operations port (Spring's Tomcat, CONTRACT §6): health open to anyone, details, metrics and
 * every other actuator path only for the ops user; the public port is not behind that security.
 */
class OperationsTests extends PaysyncHttpTestSupport {

    @Test
    void healthIsOpenAndUpWithoutCredentialsButShowsNoDetails() throws Exception {
        HttpResponse<String> health = anonymous("/actuator/health");

        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(health.body());
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.has("components")).as(health.body()).isFalse();
        assertThat(body.has("details")).as(health.body()).isFalse();
    }

    @Test
    void livenessAndReadinessProbesAreOpenWithoutCredentials() throws Exception {
        for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> response = anonymous(probe);
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            assertThat(json.readTree(response.body()).get("status").asText()).as(probe).isEqualTo("UP");
            assertThat(response.body()).as(probe).doesNotContain("components");
        }
    }

    @Test
    void readinessShowsTheDatabaseAndEveryCamelRouteToTheOpsUser() throws Exception {
        HttpResponse<String> readiness = asOps("/actuator/health/readiness");

        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode components = json.readTree(readiness.body()).get("components");
        assertThat(components).as(readiness.body()).isNotNull();
        assertThat(components.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("readinessState", "db", "camelReadinessState", "camelHealth");
        assertThat(components.get("db").get("status").asText()).isEqualTo("UP");
        JsonNode camel = components.get("camelHealth");
        assertThat(camel.get("status").asText()).isEqualTo("UP");
        assertThat(camel.get("details").get("route:callback-mypvit").asText()).isEqualTo("UP");
        assertThat(camel.get("details").get("route:downstream").asText()).isEqualTo("UP");
    }

    @Test
    void livenessLeavesTheDatabaseOut() throws Exception {
        HttpResponse<String> liveness = asOps("/actuator/health/liveness");

        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(json.readTree(liveness.body()).get("components").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("livenessState", "camelLivenessState");
    }

    @Test
    void prometheusNeedsTheOpsUser() throws Exception {
        assertThat(anonymous("/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(operations("/actuator/prometheus", "ops", "wrong-password").statusCode()).isEqualTo(401);
        assertThat(operations("/actuator/prometheus", "someone", "test-ops-password").statusCode()).isEqualTo(401);
        assertThat(asOps("/actuator/prometheus").statusCode()).isEqualTo(200);
    }

    @Test
    void prometheusScrapeCountsARefusedCallbackAndCarriesTheDeadLetterMeters() throws Exception {
        String body = ellypayGen2(unique("OPSREJ"), "transaction.completed", "COMPLETED");
        assertThat(http.json("POST", "/callbacks/ellypay", body).statusCode()).isEqualTo(401);

        HttpResponse<String> scrape = asOps("/actuator/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body())
                .containsPattern("paysync_callbacks_rejected_total\\{[^}]*provider=\"ellypay\"[^}]*\\} [1-9]")
                .contains("paysync_downstream_dead_letters")
                .contains("paysync_downstream_replays_total");
    }

    @Test
    void everyOtherActuatorPathNeedsTheOpsUser() throws Exception {
        assertThat(anonymous("/actuator/info").statusCode()).isEqualTo(401);
        assertThat(anonymous("/actuator").statusCode()).isEqualTo(401);
        assertThat(anonymous("/actuator/metrics").statusCode()).isEqualTo(401);
        assertThat(anonymous("/").statusCode()).isEqualTo(401);
        assertThat(asOps("/actuator/info").statusCode()).isEqualTo(200);
    }

    @Test
    void wrongCredentialsOnHealthAreRefusedRatherThanIgnored() throws Exception {
        assertThat(operations("/actuator/health", "ops", "wrong-password").statusCode()).isEqualTo(401);
    }

    @Test
    void callbacksOnThePublicPortNeedNoOpsCredentials() throws Exception {
        String reference = unique("OPSPUB");
        HttpResponse<String> ack = http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference,
                "SUCCESS", "200"));

        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(awaitPayment("mypvit", reference, "SUCCESS").get("status").asText()).isEqualTo("SUCCESS");
    }
}
