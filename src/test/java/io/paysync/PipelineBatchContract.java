package io.paysync;

import static io.paysync.PaysyncHttpTestSupport.mypvit;
import static io.paysync.PaysyncHttpTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.paysync.payment.Payment;
import io.paysync.support.CleanDatabase;
import io.paysync.support.PublicPort;
import io.paysync.support.SwitchableDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The pipeline's transactions. A callback is all or nothing: when any step fails after the state
 * rules, the payment change, the idempotent key and the outbox row all roll back, the inbox row
 * stays to be retried, and after {@code paysync.pipeline.max-attempts} it is FAILED. The callbacks
 * waiting in the queue are taken together ({@code paysync.pipeline.batch-size}): one claim and one
 * transaction for all of them; one that fails rolls its batch back, is retried alone and fails
 * alone while the others settle; every settlement keeps its own callback's log context. One
 * consumer, so that a batch is exactly the callbacks waiting. A batch that fails because the database
 * is unreachable leaves its callbacks where they are, for the recovery. Runs once per database.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = "classpath:paysync-test.properties",
        properties = {"paysync.pipeline.consumers=1", "paysync.pipeline.max-attempts=3"})
@Import({CleanDatabase.class, SwitchableDataSource.Config.class})
@DirtiesContext
abstract class PipelineBatchContract {

    /** How often the pipeline tried each failing (BOOM) payment. */
    static final Map<String, AtomicInteger> TRIES = new ConcurrentHashMap<>();

    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;

    PublicPort http;
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final List<Logger> loggers = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        http = new PublicPort(camel);
        for (String name : List.of("io.paysync.payment.Settlements", "io.paysync.callback.CallbackOutcomes")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            logger.addAppender(logged);
            loggers.add(logger);
        }
        logged.start();
        if (camel.getProcessor("test-boom") == null) {
            AdviceWith.adviceWith(camel, "payment-pipeline-apply", route -> route.weaveById("write-outbox").after()
                    .process(exchange -> {
                        String reference = exchange.getMessage().getBody(Payment.class).merchantReference();
                        if (reference.startsWith("BOOM")) {
                            TRIES.computeIfAbsent(reference, r -> new AtomicInteger()).incrementAndGet();
                            throw new IllegalStateException("failure after the outbox write (test)");
                        }
                    }).id("test-boom"));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        loggers.forEach(logger -> logger.detachAppender(logged));
        camel.getRouteController().startRoute("payment-pipeline");
        camel.getRouteController().startRoute("payment-pipeline-recovery");
    }

    /** Stops the pipeline, lets the callbacks queue up, starts it: its consumer takes them as one batch. */
    private void asOneBatch(List<String> references) throws Exception {
        asOneBatch(references, () -> { });
    }

    /** {@link #asOneBatch(List)}, with {@code beforeStart} done once the callbacks wait in the queue. */
    private void asOneBatch(List<String> references, Runnable beforeStart) throws Exception {
        camel.getRouteController().stopRoute("payment-pipeline-recovery");
        camel.getRouteController().stopRoute("payment-pipeline");
        for (String reference : references) {
            assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, "SUCCESS", "200"))
                    .statusCode()).isEqualTo(200);
        }
        assertThat(camel.getEndpoint("seda:payment-pipeline", SedaEndpoint.class).getCurrentQueueSize())
                .isEqualTo(references.size());
        beforeStart.run();
        camel.getRouteController().startRoute("payment-pipeline");
    }

    private int outboxRows(String reference) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE event_id = ?", Integer.class,
                "mypvit:" + reference + ":SUCCESS");
    }

    @Test
    void waitingCallbacksSettleInOneTransactionEachWithItsOwnLogContext() throws Exception {
        List<String> references = List.of(unique("BAT"), unique("BAT"), unique("BAT"), unique("BAT"));
        asOneBatch(references);

        await().atMost(Duration.ofSeconds(20)).until(() -> references.stream().allMatch(ref -> outboxRows(ref) == 1));
        // one claim: every row was marked processed by the same statement
        assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT processed_at) FROM callback_inbox"
                + " WHERE body LIKE '%BAT%' AND state = 'PROCESSED'", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE body LIKE '%BAT%'"
                + " AND state = 'PROCESSED'", Integer.class)).isEqualTo(references.size());
        for (String reference : references) {
            assertThat(jdbc.queryForObject("SELECT status FROM payment WHERE merchant_reference = ?", String.class,
                    reference)).isEqualTo("SUCCESS");
            // the settlement line carries the breadcrumb of its own callback's request, and its own payment
            Map<String, String> accepted = logLine("Callback provider=mypvit merchantReference=" + reference + " ");
            Map<String, String> settled = logLine("Payment settled provider=mypvit merchantReference=" + reference
                    + " ");
            assertThat(settled).containsEntry("merchantReference", reference)
                    .containsEntry("camel.routeId", "payment-pipeline-apply")
                    .containsEntry("camel.breadcrumbId", accepted.get("camel.breadcrumbId"));
        }
    }

    @Test
    void aCallbackThatFailsInABatchFailsAloneAndTheOthersSettle() throws Exception {
        String first = unique("OKA");
        String boom = unique("BOOM");
        String last = unique("OKB");
        asOneBatch(List.of(first, boom, last));

        await().atMost(Duration.ofSeconds(20)).until(() -> outboxRows(first) == 1 && outboxRows(last) == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT attempts FROM callback_inbox WHERE body LIKE ?", Integer.class, "%" + boom + "%") >= 1);
        assertThat(jdbc.queryForObject("SELECT last_error FROM callback_inbox WHERE body LIKE ?", String.class,
                "%" + boom + "%")).contains("failure after the outbox write");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment WHERE merchant_reference = ?", Integer.class,
                boom)).isZero();
        assertThat(outboxRows(boom)).isZero();
        // the failed batch's work was rolled back and done again alone: each settled once
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment_history h JOIN payment p ON p.id = h.payment_id"
                + " WHERE p.merchant_reference IN (?, ?) AND h.status = 'SUCCESS'", Integer.class, first, last))
                .isEqualTo(2);
    }

    @Test
    void aFailureAfterTheOutboxWriteRollsEverythingBackAndTheCallbackIsRetriedUntilFailed() throws Exception {
        String boom = unique("BOOM");
        camel.getRouteController().stopRoute("payment-pipeline-recovery");
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + boom, boom, "SUCCESS", "200")).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT attempts FROM callback_inbox WHERE body LIKE ?", Integer.class, "%" + boom + "%") == 1);
        // alone in its batch: its failure is recorded after one try, not tried a second time alone
        assertThat(TRIES.get(boom)).hasValue(1);

        // retried by the recovery route until paysync.pipeline.max-attempts, then FAILED
        camel.getRouteController().startRoute("payment-pipeline-recovery");
        await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(jdbc.queryForObject(
                "SELECT state FROM callback_inbox WHERE body LIKE ?", String.class, "%" + boom + "%")));
        assertThat(jdbc.queryForObject("SELECT attempts FROM callback_inbox WHERE body LIKE ?", Integer.class,
                "%" + boom + "%")).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT last_error FROM callback_inbox WHERE body LIKE ?", String.class,
                "%" + boom + "%")).contains("failure after the outbox write");
        // the payment change, the idempotent key and the outbox row all rolled back
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment WHERE merchant_reference = ?", Integer.class,
                boom)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM idempotent_key WHERE message_id = ?", Integer.class,
                "mypvit:" + boom)).isZero();
        assertThat(outboxRows(boom)).isZero();

        // the same pipeline still settles other payments
        String ok = unique("OK");
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ok, ok, "SUCCESS", "200"));
        await().atMost(Duration.ofSeconds(20)).until(() -> outboxRows(ok) == 1);
    }

    @Test
    void aBatchThatFailsForLackOfADatabaseIsLeftToTheRecoveryAfterOneCallbackTriedAlone() throws Exception {
        List<String> references = List.of(unique("OUT"), unique("OUT"), unique("OUT"));
        SwitchableDataSource database = (SwitchableDataSource) dataSource;
        String pipelineThreads = "seda://payment-pipeline";
        asOneBatch(references, database::down);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> database.refusedOn(pipelineThreads) > 0
                    && camel.getInflightRepository().size("payment-pipeline") == 0);
            // the batch's transaction, then its first callback alone and the record of its failure: the
            // database being unreachable, the two others are not tried (each would wait for a connection twice)
            assertThat(database.refusedOn(pipelineThreads)).isEqualTo(3);
        } finally {
            database.up();
        }

        // nothing lost: the recovery hands them over again
        camel.getRouteController().startRoute("payment-pipeline-recovery");
        await().atMost(Duration.ofSeconds(30)).until(() -> references.stream().allMatch(ref -> outboxRows(ref) == 1));
    }

    private Map<String, String> logLine(String starting) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> List.copyOf(logged.list).stream()
                .filter(event -> event.getFormattedMessage().startsWith(starting))
                .map(ILoggingEvent::getMDCPropertyMap).findFirst().orElse(null), line -> line != null);
    }
}
