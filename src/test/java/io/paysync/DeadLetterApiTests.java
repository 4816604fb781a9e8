package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Dead letters of the downstream outbox (CONTRACT §4, §6): listed and replayed through the API
 * on the public port, counted in metrics. The mock downstream refuses the events of this class
 * while their ids are in {@link #refused}, which parks them DEAD after max-attempts (3 in tests).
 *
 * <p>Shares the Spring context of the other HTTP tests, so other classes' dead letters may be
 * there too: assertions are about this test's own rows, or relative.
 */
class DeadLetterApiTests extends PaysyncHttpTestSupport {

    @Autowired
    MeterRegistry metrics;

    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void refuseListedEvents() {
        downstream.whenAnyExchangeReceived(exchange -> {
            if (refused.contains(exchange.getMessage().getHeader("Paysync-Event-Id", String.class))) {
                throw new IllegalStateException("target rejects it (test)");
            }
        });
    }

    @AfterEach
    void acceptEverything() {
        downstream.whenAnyExchangeReceived(exchange -> { });
    }

    @Test
    void listShowsTheDeadLetterWithItsLastErrorAndThePaymentEvent() throws Exception {
        String eventId = deadLetter("DLL");
        long id = outboxId(eventId);

        JsonNode item = findItem(id);

        assertThat(item).as("dead letter %s listed", eventId).isNotNull();
        assertThat(item.get("eventId").asText()).isEqualTo(eventId);
        assertThat(item.get("attempts").asInt()).isEqualTo(3);
        assertThat(item.get("lastError").asText()).contains("target rejects it");
        assertThat(item.get("createdAt").asText()).endsWith("Z");
        JsonNode payment = item.get("payment");
        assertThat(payment.isObject()).as("payment is parsed JSON, not a string").isTrue();
        assertThat(payment.get("eventId").asText()).isEqualTo(eventId);
        assertThat(payment.get("type").asText()).isEqualTo("payment.finalized");
        assertThat(payment.get("status").asText()).isEqualTo("FAILED");
        assertThat(payment.get("amount").decimalValue()).isEqualByComparingTo("500");
    }

    @Test
    void replayRedeliversWithTheSameEventIdAndTheRowBecomesDelivered() throws Exception {
        String eventId = deadLetter("DLR");
        long id = outboxId(eventId);
        refused.remove(eventId);

        HttpResponse<String> response = http.api("POST", "/api/dead-letters/" + id + "/replay", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode row = json.readTree(response.body());
        assertThat(row.get("id").asLong()).isEqualTo(id);
        assertThat(row.get("eventId").asText()).isEqualTo(eventId);
        assertThat(row.get("status").asText()).isEqualTo("PENDING");
        assertThat(row.get("attempts").asInt()).isZero();
        List<Exchange> events = awaitEvents(eventId, 4);
        assertThat(events).hasSize(4);
        assertThat(events.get(3).getMessage().getHeader("Paysync-Event-Id")).isEqualTo(eventId);
        assertThat(json.readTree(events.get(3).getMessage().getBody(String.class)).get("eventId").asText())
                .isEqualTo(eventId);
        assertThat(outboxStatus(eventId)).isEqualTo("DELIVERED");
        assertThat(findItem(id)).as("no longer listed").isNull();
    }

    @Test
    void replayOfARowThatIsNotDeadIsAConflict() throws Exception {
        String ref = unique("DLC");
        String eventId = "mypvit:" + ref + ":SUCCESS";
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200"));
        assertThat(outboxStatus(eventId)).isEqualTo("DELIVERED");

        assertProblem(http.api("POST", "/api/dead-letters/" + outboxId(eventId) + "/replay", null), 409,
                "not a dead letter");
        assertExactlyOneEvent(eventId);
    }

    @Test
    void replayOfAnUnknownOrMalformedIdIsNotFound() throws Exception {
        long unknown = jdbc.queryForObject("SELECT COALESCE(MAX(id), 0) + 1000 FROM outbox", Long.class);
        assertProblem(http.api("POST", "/api/dead-letters/" + unknown + "/replay", null), 404, "no dead letter");
        assertProblem(http.api("POST", "/api/dead-letters/abc/replay", null), 404, "no dead letter");
        assertProblem(http.api("POST", "/api/dead-letters/99999999999999999999/replay", null), 404,
                "no dead letter");
        assertProblem(http.api("GET", "/api/dead-letters/1/replay", null), 405, "GET");
    }

    @Test
    void bulkReplayPutsEveryDeadLetterBackAndCountsThem() throws Exception {
        String first = deadLetter("DLB");
        String second = deadLetter("DLB");
        refused.clear();

        HttpResponse<String> response = http.api("POST", "/api/dead-letters/replay", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json.readTree(response.body()).get("replayed").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(outboxStatus(first)).isEqualTo("DELIVERED");
        assertThat(outboxStatus(second)).isEqualTo("DELIVERED");
        assertThat(awaitEvents(first, 4)).hasSize(4);
        assertThat(deadCount()).isZero();
    }

    @Test
    void bulkReplayHonoursItsLimit() throws Exception {
        String first = deadLetter("DLM");
        String second = deadLetter("DLM");
        refused.clear();

        HttpResponse<String> response = http.api("POST", "/api/dead-letters/replay?limit=1", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json.readTree(response.body()).get("replayed").asInt()).isEqualTo(1);
        assertThat(deadCount()).isGreaterThanOrEqualTo(1);
        assertProblem(http.api("POST", "/api/dead-letters/replay?limit=0", null), 400, "invalid");
        assertProblem(http.api("POST", "/api/dead-letters/replay?limit=1001", null), 400, "invalid");
        // leave nothing parked for the other tests
        http.api("POST", "/api/dead-letters/replay", null);
        assertThat(outboxStatus(first)).isEqualTo("DELIVERED");
        assertThat(outboxStatus(second)).isEqualTo("DELIVERED");
    }

    @Test
    void deadLetterApiRequiresTheApiKey() throws Exception {
        String eventId = deadLetter("DLK");
        long id = outboxId(eventId);

        assertProblem(http.send("GET", "/api/dead-letters", null, null, Map.of()), 401, "X-Api-Key");
        assertProblem(http.send("POST", "/api/dead-letters/" + id + "/replay", null, null,
                Map.of("X-Api-Key", "wrong")), 401, "X-Api-Key");
        assertProblem(http.send("POST", "/api/dead-letters/replay", null, null, Map.of()), 401, "X-Api-Key");
        assertThat(currentOutboxStatus(eventId)).isEqualTo("DEAD");
    }

    @Test
    void listPagesNewestFirstWithAKeysetCursor() throws Exception {
        List<Long> ours = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ours.add(outboxId(deadLetter("DLP")));
        }

        List<Long> seen = new ArrayList<>();
        String after = null;
        do {
            HttpResponse<String> response = http.api("GET",
                    "/api/dead-letters?limit=2" + (after == null ? "" : "&after=" + after), null);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = json.readTree(response.body());
            assertThat(page.get("limit").asInt()).isEqualTo(2);
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            page.get("items").forEach(item -> seen.add(item.get("id").asLong()));
            after = page.get("next").isNull() ? null : page.get("next").asText();
            if (after != null) {
                assertThat(Long.parseLong(after)).isEqualTo(seen.get(seen.size() - 1));
            }
        } while (after != null);

        assertThat(seen).isSortedAccordingTo((a, b) -> Long.compare(b, a)).doesNotHaveDuplicates();
        assertThat(seen).containsSubsequence(ours.get(2), ours.get(1), ours.get(0));
        assertProblem(http.api("GET", "/api/dead-letters?limit=0", null), 400, "invalid");
        assertProblem(http.api("GET", "/api/dead-letters?after=x", null), 400, "invalid");

        // ids are BIGINT: any cursor a long holds is one (the newest first), a larger number is not
        for (long cursor : new long[] {Integer.MAX_VALUE + 1L, Long.MAX_VALUE}) {
            HttpResponse<String> top = http.api("GET", "/api/dead-letters?limit=500&after=" + cursor, null);
            assertThat(top.statusCode()).as(top.body()).isEqualTo(200);
            assertThat(json.readTree(top.body()).get("items").findValuesAsText("id")).contains(ours.get(2).toString());
        }
        assertThat(invalidFields(http.api("GET", "/api/dead-letters?after=9223372036854775808", null)))
                .containsExactly("after");
    }

    @Test
    void gaugeCountsDeadLettersAndCounterCountsReplaysByMode() throws Exception {
        double single = replays("single");
        double bulk = replays("bulk");
        String eventId = deadLetter("DLG");
        long before = deadCount();
        assertThat(gauge()).isEqualTo(before);

        refused.remove(eventId);
        assertThat(http.api("POST", "/api/dead-letters/" + outboxId(eventId) + "/replay", null).statusCode())
                .isEqualTo(202);
        assertThat(gauge()).isEqualTo(before - 1);
        assertThat(replays("single")).isEqualTo(single + 1);

        String other = deadLetter("DLG");
        refused.remove(other);
        int replayed = json.readTree(http.api("POST", "/api/dead-letters/replay", null).body()).get("replayed").asInt();
        assertThat(replayed).isGreaterThanOrEqualTo(1);
        assertThat(replays("bulk")).isEqualTo(bulk + replayed);
        assertThat(outboxStatus(other)).isEqualTo("DELIVERED");
    }

    // ---------------------------------------------------------------- helpers

    /** A final FAILED payment whose event the mock downstream refuses until it is parked DEAD; its event id. */
    private String deadLetter(String prefix) {
        String ref = unique(prefix);
        String eventId = "mypvit:" + ref + ":FAILED";
        refused.add(eventId);
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "FAILED", "200")).statusCode())
                .isEqualTo(200);
        await().atMost(SETTLED).until(() -> "DEAD".equals(currentOutboxStatus(eventId)));
        return eventId;
    }

    private long outboxId(String eventId) {
        return jdbc.queryForObject("SELECT id FROM outbox WHERE event_id = ?", Long.class, eventId);
    }

    private long deadCount() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE status = 'DEAD'", Long.class);
    }

    /** The item of that id on the dead-letter pages, null when it is not listed. */
    private JsonNode findItem(long id) throws Exception {
        String after = null;
        do {
            HttpResponse<String> response = http.api("GET",
                    "/api/dead-letters?limit=500" + (after == null ? "" : "&after=" + after), null);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = json.readTree(response.body());
            for (JsonNode item : page.get("items")) {
                if (item.get("id").asLong() == id) {
                    return item;
                }
            }
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        return null;
    }

    private double gauge() {
        return metrics.get("paysync.downstream.dead.letters").gauge().value();
    }

    private double replays(String mode) {
        return metrics.get("paysync.downstream.replays").tag("mode", mode).counter().count();
    }
}
