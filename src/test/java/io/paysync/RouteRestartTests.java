package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ops stop and start routes from Hawtio: the looping routes (recovery and downstream drain) must
 * work again after a restart, not only after a fresh start of the application.
 */
class RouteRestartTests extends PaysyncHttpTestSupport {

    @AfterEach
    void startEverything() throws Exception {
        camel.getRouteController().startRoute("payment-pipeline");
        camel.getRouteController().startRoute("payment-pipeline-recovery");
        camel.getRouteController().startRoute("downstream");
    }

    @Test
    void recoveryAndDeliveryWorkAfterTheirRoutesWereStoppedAndStartedAgain() throws Exception {
        camel.getRouteController().stopRoute("payment-pipeline-recovery");
        camel.getRouteController().stopRoute("downstream");
        camel.getRouteController().startRoute("payment-pipeline-recovery");
        camel.getRouteController().startRoute("downstream");

        // a callback acknowledged while the pipeline did not take it (its hand-off lost): only the
        // recovery route can bring it to the pipeline, and only the downstream route deliver it
        camel.getRouteController().stopRoute("payment-pipeline");
        String reference = unique("RESTART");
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, "SUCCESS", "200"))
                .statusCode()).isEqualTo(200);
        camel.getEndpoint("seda:payment-pipeline", SedaEndpoint.class).purgeQueue();
        camel.getRouteController().startRoute("payment-pipeline");

        String eventId = "mypvit:" + reference + ":SUCCESS";
        await().atMost(SETTLED).until(() -> downstream.getExchanges().stream()
                .anyMatch(e -> eventId.equals(e.getMessage().getHeader("Paysync-Event-Id"))));
        assertExactlyOneEvent(eventId);
    }

    private long recoveryRuns() throws Exception {
        return camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("payment-pipeline-recovery").getExchangesCompleted();
    }

    @Test
    void whileThePipelineIsStoppedRecoveryDoesNotQueueCopiesOfTheWaitingCallbacks() throws Exception {
        camel.getRouteController().stopRoute("payment-pipeline");
        SedaEndpoint queue = camel.getEndpoint("seda:payment-pipeline", SedaEndpoint.class);
        queue.purgeQueue();
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String reference = unique("WAIT");
            assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, "SUCCESS", "200"))
                    .statusCode()).isEqualTo(200);
            eventIds.add("mypvit:" + reference + ":SUCCESS");
        }
        assertThat(queue.getCurrentQueueSize()).isEqualTo(3);

        // recovery (every 0.5 s here) finds them unprocessed once they are 2 s old, run after run:
        // they are waiting in the queue already, so it hands over nothing
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox"
                + " WHERE state = 'RECEIVED' AND received_at < ?", Integer.class,
                Timestamp.from(Instant.now().minus(Duration.ofMillis(2500)))) == 3);
        long runs = recoveryRuns();
        await().atMost(Duration.ofSeconds(10)).until(() -> recoveryRuns() >= runs + 2);
        assertThat(queue.getCurrentQueueSize()).as("waiting in the queue, each once").isEqualTo(3);

        camel.getRouteController().startRoute("payment-pipeline");
        await().atMost(SETTLED).until(() -> eventIds.stream().allMatch(id -> downstream.getExchanges().stream()
                .anyMatch(e -> id.equals(e.getMessage().getHeader("Paysync-Event-Id")))));
        eventIds.forEach(this::assertExactlyOneEvent);
    }
}
