package io.paysync;

import static io.paysync.PaysyncHttpTestSupport.mypvit;
import static io.paysync.PaysyncHttpTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.paysync.support.CleanDatabase;
import io.paysync.support.PublicPort;
import org.apache.camel.CamelContext;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A burst that fills the pipeline's queue: the hand-offs it refuses wait in the inbox, and the
 * pipeline takes them from there as soon as it has worked through its queue, batch after batch,
 * without the recovery route (stopped here; it would wait {@code paysync.pipeline.recovery-after}).
 * A queue of 3 and batches of 2, so that it takes several catch-ups. Runs once per database.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = "classpath:paysync-test.properties", properties = {
        "paysync.pipeline.consumers=1", "paysync.pipeline.queue-size=3", "paysync.pipeline.batch-size=2"})
@Import(CleanDatabase.class)
@DirtiesContext
abstract class PipelineOverflowContract {

    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry registry;

    @AfterEach
    void restart() throws Exception {
        camel.getRouteController().startRoute("payment-pipeline");
        camel.getRouteController().startRoute("payment-pipeline-recovery");
    }

    @Test
    void callbacksTheFullQueueRefusedAreTakenFromTheInboxOnceThePipelineHasWorkedThroughIt() throws Exception {
        PublicPort http = new PublicPort(camel);
        camel.getRouteController().stopRoute("payment-pipeline-recovery");
        camel.getRouteController().stopRoute("payment-pipeline");
        double refusedBefore = refused();
        List<String> references = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String reference = unique("OVF");
            references.add(reference);
            // acknowledged: recorded, whether or not the queue took the hand-off
            assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, "SUCCESS", "200"))
                    .statusCode()).isEqualTo(200);
        }
        assertThat(camel.getEndpoint("seda:payment-pipeline", SedaEndpoint.class).getCurrentQueueSize()).isEqualTo(3);
        assertThat(refused() - refusedBefore).isEqualTo(6);

        camel.getRouteController().startRoute("payment-pipeline");

        await().atMost(Duration.ofSeconds(20)).until(() -> references.stream().allMatch(ref -> outboxRows(ref) == 1));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE body LIKE '%OVF%'"
                + " AND state = 'PROCESSED'", Integer.class)).isEqualTo(references.size());
        assertThat(camel.getEndpoint("seda:payment-pipeline", SedaEndpoint.class).getCurrentQueueSize()).isZero();

        // caught up: a callback now goes through the queue as usual
        String after = unique("OVF");
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + after, after, "SUCCESS", "200"))
                .statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> outboxRows(after) == 1);
        assertThat(refused() - refusedBefore).isEqualTo(6);
    }

    private double refused() {
        return registry.get("paysync.pipeline.handoffs.refused").counter().count();
    }

    private int outboxRows(String reference) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE event_id = ?", Integer.class,
                "mypvit:" + reference + ":SUCCESS");
    }
}
