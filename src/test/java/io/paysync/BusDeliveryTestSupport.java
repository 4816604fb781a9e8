package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.paysync.system.PaysyncProperties;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Delivery to a real broker: payments settled through real callbacks, their outbox rows per target,
 * and the {@code downstream} route held while a batch is prepared, so that a test can disturb the
 * broker while that batch is being delivered.
 */
abstract class BusDeliveryTestSupport extends PaysyncHttpTestSupport {

    static final Duration DELIVERED = Duration.ofSeconds(60);

    /** One outbox row as the tests see it. */
    record Row(String status, int attempts, String lastError) {
    }

    @Autowired
    PaysyncProperties properties;

    /**
     * {@code paysync.downstream.senders} as this instance runs: sends in flight at once, so a
     * connection cut in the middle of one can leave up to this many messages in doubt.
     */
    int senders() {
        return properties.downstream().senders();
    }


    /** Settles one MyPVit payment through its callback (code 200 with SUCCESS, else 400); its event id. */
    String settleMypvit(String reference, String status) {
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, status,
                status.equals("SUCCESS") ? "200" : "400")).statusCode()).isEqualTo(200);
        return "mypvit:" + reference + ":" + status;
    }

    /** Settles {@code count} MyPVit payments (SUCCESS) through their callbacks; their event ids. */
    List<String> settleMypvit(String prefix, int count) throws Exception {
        List<String> eventIds = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String reference = unique(prefix);
                eventIds.add("mypvit:" + reference + ":SUCCESS");
                answers.add(senders.submit(() -> http.json("POST", "/callbacks/mypvit",
                        mypvit("PAY" + reference, reference, "SUCCESS", "200")).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            senders.shutdownNow();
        }
        return eventIds;
    }

    /** The outbox rows of these events for one target, by event id (missing: not written yet). */
    Map<String, Row> rows(List<String> eventIds, String target) {
        Map<String, Row> rows = new HashMap<>();
        for (List<String> chunk : chunks(eventIds)) {
            String in = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            List<Object> args = new ArrayList<>(chunk);
            args.add(target);
            jdbc.query("SELECT event_id, status, attempts, last_error FROM outbox WHERE event_id IN (" + in
                    + ") AND target = ?", rs -> {
                        rows.put(rs.getString("event_id"),
                                new Row(rs.getString("status"), rs.getInt("attempts"), rs.getString("last_error")));
                    }, args.toArray());
        }
        return rows;
    }

    private static List<List<String>> chunks(List<String> ids) {
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 200) {
            chunks.add(ids.subList(i, Math.min(ids.size(), i + 200)));
        }
        return chunks;
    }

    void awaitWritten(List<String> eventIds, String target) {
        await().atMost(SETTLED).until(() -> rows(eventIds, target).size() == eventIds.size());
    }

    void awaitDelivered(List<String> eventIds, String target) {
        await().atMost(DELIVERED).until(() -> rows(eventIds, target).values().stream()
                .allMatch(row -> row.status().equals("DELIVERED")));
    }

    /** Holds deliveries: due rows stay PENDING until {@link #resumeDeliveries()}. */
    void holdDeliveries() throws Exception {
        camel.getRouteController().stopRoute("downstream");
    }

    @AfterEach
    void resumeDeliveries() throws Exception {
        camel.getRouteController().startRoute("downstream");
    }

    /** How many times each id was received; every id must be one of {@code expected}. */
    static Map<String, Integer> tally(List<String> received, List<String> expected) {
        Map<String, Integer> counts = new HashMap<>();
        for (String id : received) {
            assertThat(expected).as("a message with an id that was never sent").contains(id);
            counts.merge(id, 1, Integer::sum);
        }
        return counts;
    }
}
