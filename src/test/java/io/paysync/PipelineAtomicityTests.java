package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.paysync.payment.Payment;
import io.paysync.support.PublicPort;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The pipeline works in one transaction per callback: when any step fails after the state rules,
 * the payment change, the idempotent key and the outbox row all roll back, the inbox row stays
 * to be retried, and after {@code paysync.pipeline.max-attempts} it is marked FAILED.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = "classpath:paysync-test.properties",
        properties = {"paysync.pipeline.max-attempts=3", "paysync.pipeline.recovery-after=PT0.2S"})
@DirtiesContext
class PipelineAtomicityTests {

    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aFailureAfterTheOutboxWriteRollsEverythingBackAndTheCallbackIsRetried() throws Exception {
        AdviceWith.adviceWith(camel, "payment-pipeline-apply", route -> route.weaveById("write-outbox").after()
                .process(exchange -> {
                    if (exchange.getMessage().getBody(Payment.class).merchantReference().startsWith("BOOM")) {
                        throw new IllegalStateException("failure after the outbox write (test)");
                    }
                }));
        PublicPort http = new PublicPort(camel);

        assertThat(http.json("POST", "/callbacks/mypvit",
                PaysyncHttpTestSupport.mypvit("PAYBOOM1", "BOOM1", "SUCCESS", "200")).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(jdbc.queryForObject(
                "SELECT state FROM callback_inbox WHERE body LIKE '%BOOM1%'", String.class)));
        assertThat(jdbc.queryForObject("SELECT attempts FROM callback_inbox WHERE body LIKE '%BOOM1%'", Integer.class))
                .isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT last_error FROM callback_inbox WHERE body LIKE '%BOOM1%'", String.class))
                .contains("failure after the outbox write");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment WHERE merchant_reference = 'BOOM1'", Integer.class))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM idempotent_key WHERE message_id = 'mypvit:BOOM1'",
                Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE event_id LIKE 'mypvit:BOOM1:%'",
                Integer.class)).isZero();

        // the same pipeline still settles other payments
        http.json("POST", "/callbacks/mypvit", PaysyncHttpTestSupport.mypvit("PAYOK1", "OK1", "SUCCESS", "200"));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM outbox WHERE event_id = 'mypvit:OK1:SUCCESS'", Integer.class) == 1);
    }
}
