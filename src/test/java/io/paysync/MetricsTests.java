package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;
import io.paysync.system.LogEventMetrics;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * paysync's meters on /actuator/prometheus (CONTRACT §6), scraped with the ops user: each counter
 * moves by exactly what the test did (before/after), the timers count the settlement and the
 * delivery, the backlog gauges read the database, and Camel's route timers are there.
 */
class MetricsTests extends PaysyncHttpTestSupport {

    @Autowired
    LogbackMetrics logbackMetrics;

    /** Every sample of a scrape by series ({@code name{labels}} as Prometheus writes it). */
    Map<String, Double> scrape() throws Exception {
        var response = asOps("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    static double value(Map<String, Double> scrape, String series) {
        return scrape.getOrDefault(series, 0.0);
    }

    /** How much each series moved between two scrapes. */
    static Map<String, Double> deltas(Map<String, Double> before, Map<String, Double> after, String... series) {
        Map<String, Double> deltas = new HashMap<>();
        for (String name : series) {
            deltas.put(name, value(after, name) - value(before, name));
        }
        return deltas;
    }

    @Test
    void callbackOutcomesSettlementsAndDeliveriesAreCountedExactlyOnce() throws Exception {
        String accepted = unique("MET");
        String duplicated = unique("MEV");
        String settledMypvit = "mypvit:" + accepted + ":SUCCESS";
        String[] series = {
                "paysync_callbacks_received_total{provider=\"mypvit\"}",
                "paysync_callbacks_accepted_total{provider=\"mypvit\"}",
                "paysync_callbacks_rejected_total{provider=\"mypvit\",reason=\"invalid\"}",
                "paysync_callbacks_received_total{provider=\"virtualpay\"}",
                "paysync_callbacks_accepted_total{provider=\"virtualpay\"}",
                "paysync_callbacks_duplicates_total{provider=\"virtualpay\"}",
                "paysync_callbacks_received_total{provider=\"ellypay\"}",
                "paysync_callbacks_rejected_total{provider=\"ellypay\",reason=\"signature\"}",
                "paysync_payments_settled_total{provider=\"mypvit\",status=\"SUCCESS\"}",
                "paysync_payments_settled_total{provider=\"virtualpay\",status=\"SUCCESS\"}",
                "paysync_settlement_latency_seconds_count{provider=\"mypvit\"}",
                "paysync_downstream_deliveries_total{outcome=\"delivered\",provider=\"mypvit\",target=\"default\"}",
                "paysync_delivery_latency_seconds_count{provider=\"mypvit\"}",
        };
        Map<String, Double> before = scrape();

        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + accepted, accepted, "SUCCESS", "200"))
                .statusCode()).isEqualTo(200);
        assertThat(http.json("POST", "/callbacks/mypvit", "{\"merchantReferenceId\":").statusCode()).isEqualTo(400);
        String virtualpay = virtualpay(duplicated, "1444624445", "Complete");
        assertThat(http.json("POST", "/callbacks/virtualpay", virtualpay).statusCode()).isEqualTo(200);
        assertThat(http.json("POST", "/callbacks/virtualpay", virtualpay).body()).contains("\"98\"");
        assertThat(http.json("POST", "/callbacks/ellypay", ellypayGen2(unique("MEE"), "transaction.completed",
                "COMPLETED")).statusCode()).isEqualTo(401);
        outboxStatus(settledMypvit);
        outboxStatus("virtualpay:" + duplicated + ":SUCCESS");

        Map<String, Double> expected = new HashMap<>();
        for (String name : series) {
            expected.put(name, 1.0);
        }
        expected.put(series[0], 2.0); // mypvit: accepted + rejected
        expected.put(series[3], 2.0); // virtualpay: accepted + duplicate
        // the counters after a commit may trail the row by a moment: wait for them, then insist on exactly
        await().atMost(SETTLED).until(() -> deltas(before, scrape(), series).equals(expected));
        assertThat(deltas(before, scrape(), series)).isEqualTo(expected);
    }

    @Test
    void deliveryLatencyRunsFromTheSettlingCallbackBeingReceived() throws Exception {
        String reference = unique("LAT");
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, "SUCCESS", "200"))
                .statusCode()).isEqualTo(200);
        outboxStatus("mypvit:" + reference + ":SUCCESS");

        OffsetDateTime received = jdbc.queryForObject(
                "SELECT received_at FROM callback_inbox WHERE provider = 'mypvit' AND body LIKE ?",
                OffsetDateTime.class, "%\"" + reference + "\"%");
        Map<String, Object> outbox = jdbc.queryForMap(
                "SELECT received_at, created_at, delivered_at FROM outbox WHERE event_id = ?",
                "mypvit:" + reference + ":SUCCESS");
        // the timer's start is the callback's arrival, not the outbox row: received → delivered end to end
        assertThat(instant(outbox.get("received_at"))).isEqualTo(received.toInstant());
        assertThat(instant(outbox.get("received_at"))).isBeforeOrEqualTo(instant(outbox.get("created_at")));
    }

    private static Instant instant(Object timestamp) {
        return timestamp instanceof OffsetDateTime odt ? odt.toInstant()
                : ((java.sql.Timestamp) timestamp).toInstant();
    }

    @Test
    void backlogGaugesCountDuePaymentsAndTheAgeOfTheMostOverdue() throws Exception {
        String backlog = "paysync_reconciliation_backlog{provider=\"mvola\"}";
        String age = "paysync_reconciliation_backlog_oldest_age_seconds{provider=\"mvola\"}";
        double before = value(scrape(), backlog);
        Instant now = Instant.now();
        String reference = unique("BACKLOG");
        // due for an hour; leased by a checker for an hour, so that no reconcile run takes it meanwhile
        jdbc.update("""
                INSERT INTO payment (provider, merchant_reference, match_key, status, origin, created_at, updated_at,
                    next_check_at, check_lease_until)
                VALUES ('mvola', ?, ?, 'PENDING', 'API', ?, ?, ?, ?)""", reference, reference,
                now.minus(2, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC),
                now.minus(1, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC),
                now.plus(1, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC));
        try {
            await().atMost(SETTLED).until(() -> value(scrape(), backlog) == before + 1);
            assertThat(value(scrape(), age)).isBetween(3600.0, 3600.0 + SETTLED.toSeconds() + 10);
            assertThat(scrape()).containsKey("paysync_reconciliation_backlog{provider=\"mypvit\"}")
                    .containsKey("paysync_reconciliation_backlog_oldest_age_seconds{provider=\"cinetpay\"}");
        } finally {
            jdbc.update("DELETE FROM payment WHERE provider = 'mvola' AND merchant_reference = ?", reference);
        }
        await().atMost(SETTLED).until(() -> value(scrape(), backlog) == before);
    }

    @Test
    void camelRouteTimersAreScraped() throws Exception {
        Map<String, Double> before = scrape();
        String ref = unique("ROUTE");
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200"));

        await().atMost(SETTLED).untilAsserted(() -> {
            Map<String, Double> after = scrape();
            assertThat(routeTimerCount(after, "callback-mypvit")).isGreaterThan(routeTimerCount(before, "callback-mypvit"));
            assertThat(routeTimerCount(after, "payment-pipeline-apply"))
                    .isGreaterThan(routeTimerCount(before, "payment-pipeline-apply"));
        });
    }

    /** Exchanges timed in one route so far (Camel's {@code camel.route.policy} timer, route level). */
    private static double routeTimerCount(Map<String, Double> scrape, String routeId) {
        return scrape.entrySet().stream()
                .filter(sample -> sample.getKey().startsWith("camel_route_policy_seconds_count{")
                        && sample.getKey().contains("routeId=\"" + routeId + "\"")
                        && sample.getKey().contains("eventType=\"route\""))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * paysync's appender replaces Spring Boot's turbo filter. That it counts is shown by
     * LogEventMetricsTests and, in a JVM with this one application context, by PackagedJarIT: here
     * other test contexts may have configured Logback again since this one started.
     */
    @Test
    void logEventsAreCountedByPaysyncsAppenderNotATurboFilter() throws Exception {
        assertThat(logbackMetrics).isInstanceOf(LogEventMetrics.class);
        assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getTurboFilterList()).isEmpty();
        assertThat(scrape()).containsKeys("logback_events_total{level=\"error\"}",
                "logback_events_total{level=\"warn\"}", "logback_events_total{level=\"info\"}");
    }
}
