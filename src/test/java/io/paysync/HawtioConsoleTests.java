package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Hawtio and its Jolokia bridge on the operations port (issue 7): only the ops user gets in, Hawtio
 * sees that user through its Spring Security integration, the MBeans ops look at are there, and
 * nothing that would change or stop paysync can be invoked.
 */
class HawtioConsoleTests extends PaysyncHttpTestSupport {

    /** Tests give every CamelContext its own name, and several live in the test JVM. */
    String route(String id) {
        return "org.apache.camel:context=" + camel.getManagementName() + ",type=routes,name=%22" + id + "%22";
    }

    JsonNode jolokia(String path) throws Exception {
        HttpResponse<String> response = asOps("/actuator/jolokia/" + path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    @Test
    void theConsoleAndJolokiaAreClosedToAnonymousUsers() throws Exception {
        assertThat(anonymous("/actuator/hawtio/").statusCode()).isEqualTo(401);
        assertThat(anonymous("/actuator/hawtio/jolokia/version").statusCode()).isEqualTo(401);
        assertThat(anonymous("/actuator/jolokia/version").statusCode()).isEqualTo(401);
    }

    @Test
    void browsersAreSentToTheLoginPage() throws Exception {
        HttpResponse<String> console = send(operationsRequest("/actuator/hawtio/", null, null)
                .header("Accept", "text/html"));

        assertThat(console.statusCode()).isEqualTo(302);
        assertThat(console.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/login"));
        assertThat(anonymous("/login").body()).contains("name=\"username\"", "name=\"_csrf\"");
    }

    @Test
    void hawtioRecognisesTheOpsUserThroughSpringSecurity() throws Exception {
        HttpResponse<String> config = asOps("/actuator/hawtio/auth/config");
        assertThat(config.body()).contains("Spring Security");

        HttpResponse<String> user = asOps("/actuator/hawtio/user");
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(user.body().strip()).isEqualTo("\"ops\"");

        // Hawtio's own Jolokia path passes Hawtio's role check (hawtio.roles=ops) only when the
        // ops role reaches it through the JAAS login modules
        HttpResponse<String> version = asOps("/actuator/hawtio/jolokia/version");
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(json.readTree(version.body()).get("value").get("agent").asText()).isNotBlank();
    }

    @Test
    void routeStatisticsTheIdempotentRepositoryAndTheQuartzSchedulerAreVisible() throws Exception {
        String reference = unique("HAWTIO");
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, "SUCCESS", "200"))
                .statusCode()).isEqualTo(200);
        awaitPayment("mypvit", reference, "SUCCESS");

        JsonNode routes = jolokia("search/org.apache.camel:context=" + camel.getManagementName()
                + ",type=routes,*").get("value");
        for (String route : new String[] {"callback-mypvit", "callback-cinetpay", "callback-ellypay",
                "callback-virtualpay", "callback-mvola", "payment-pipeline-apply", "downstream", "reconcile"}) {
            assertThat(routes.toString()).contains("name=\\\"" + route + "\\\"");
        }
        assertThat(jolokia("read/" + route("callback-mypvit") + "/ExchangesCompleted")
                .get("value").asLong()).isPositive();

        JsonNode repositories = jolokia("search/org.apache.camel:context="
                + camel.getManagementName() + ",type=services,name=JdbcIdempotentRepository*").get("value");
        assertThat(repositories).hasSize(1);
        String repository = repositories.get(0).asText().replace("\"", "%22");
        assertThat(jolokia("read/" + repository + "/Size").get("value").asLong()).isPositive();

        JsonNode schedulers = jolokia("search/quartz:type=QuartzScheduler,name=*"
                + camel.getManagementName() + ",*").get("value");
        assertThat(schedulers).hasSize(1);
        assertThat(jolokia("read/" + schedulers.get(0).asText() + "/Started").get("value").asBoolean()).isTrue();
    }

    @Test
    void operationsThatWouldChangePaysyncAreRefusedAndTheRouteKeepsRunning() throws Exception {
        JsonNode stop = jolokia("exec/" + route("callback-mypvit") + "/stop()");
        assertThat(stop.get("status").asInt()).isEqualTo(403);
        assertThat(stop.get("error").asText()).contains("forbidden");

        JsonNode state = jolokia("read/" + route("callback-mypvit") + "/State");
        assertThat(state.get("value").asText()).isEqualTo("Started");

        JsonNode source = jolokia("exec/" + route("callback-mypvit") + "/dumpRouteAsXml()");
        assertThat(source.get("status").asInt()).isEqualTo(200);
        assertThat(source.get("value").asText()).contains("callback-mypvit");
    }

    @Test
    void jolokiaWritesFromABrowserSessionNeedTheCsrfToken() throws Exception {
        String exec = "{\"type\":\"exec\",\"mbean\":\"" + route("callback-mypvit").replace("%22", "\\\"")
                + "\",\"operation\":\"dumpRouteAsXml()\"}";
        HttpResponse<String> withoutToken = send(opsRequest("/actuator/jolokia")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(exec)));

        assertThat(withoutToken.statusCode()).isEqualTo(403);
    }
}
