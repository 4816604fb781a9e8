package io.paysync;

import static io.paysync.PaysyncHttpTestSupport.mypvit;
import static io.paysync.PaysyncHttpTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.paysync.support.CleanDatabase;
import io.paysync.support.PublicPort;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
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
 * {@code paysync.downstream.senders}: the events of one claimed batch go out on that many threads
 * at once, each delivered once and recorded as delivered.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = "classpath:paysync-test.properties", properties = "paysync.downstream.senders=2")
@Import(CleanDatabase.class)
@DirtiesContext
class DownstreamSendersTests {

    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void restart() throws Exception {
        camel.getRouteController().startRoute("downstream");
    }

    @Test
    void twoSendersDeliverTwoEventsOfOneBatchAtTheSameTime() throws Exception {
        // each send waits (at most 10 s) until the other one is being sent too
        CountDownLatch bothSending = new CountDownLatch(2);
        Map<String, Boolean> metWhileSending = new ConcurrentHashMap<>();
        AdviceWith.adviceWith(camel, "downstream-deliver", route -> route.weaveById("send-downstream").before()
                .process(exchange -> {
                    bothSending.countDown();
                    metWhileSending.put(exchange.getMessage().getHeader("Paysync-Event-Id", String.class),
                            bothSending.await(10, TimeUnit.SECONDS));
                }).id("test-both-sending"));
        camel.getRouteController().stopRoute("downstream");
        PublicPort http = new PublicPort(camel);
        List<String> references = List.of(unique("SND"), unique("SND"));
        for (String reference : references) {
            assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, "SUCCESS", "200"))
                    .statusCode()).isEqualTo(200);
        }
        // both events wait in the outbox, to be claimed in one batch
        await().atMost(Duration.ofSeconds(20)).until(() -> references.stream().allMatch(ref -> status(ref) != null));

        camel.getRouteController().startRoute("downstream");

        await().atMost(Duration.ofSeconds(30))
                .until(() -> references.stream().allMatch(ref -> "DELIVERED".equals(status(ref))));
        assertThat(metWhileSending).containsOnlyKeys(references.stream()
                .map(ref -> "mypvit:" + ref + ":SUCCESS").toArray(String[]::new));
        assertThat(metWhileSending.values()).as("each send saw the other one under way").containsOnly(true);
        for (String reference : references) {
            assertThat(jdbc.queryForObject("SELECT attempts FROM outbox WHERE event_id = ?", Integer.class,
                    "mypvit:" + reference + ":SUCCESS")).isEqualTo(1);
        }
    }

    private String status(String reference) {
        return jdbc.query("SELECT status FROM outbox WHERE event_id = ?", rs -> rs.next() ? rs.getString(1) : null,
                "mypvit:" + reference + ":SUCCESS");
    }
}
