package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
}
