package io.paysync.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.paysync.support.H2Memory;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The recovery route's {@code find-unprocessed} step on H2: a backlog larger than one batch (a
 * burst that overflowed the pipeline's queue) is handed over in one run, each callback once, and
 * only callbacks still RECEIVED after {@code recovery-after}.
 */
class CallbackInboxRecoveryTests {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void oneRunHandsOverTheWholeBacklogBatchByBatchEachCallbackOnce() {
        SimpleDriverDataSource dataSource = H2Memory.migrated("inbox-recovery");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 1501; i++) {
            // every tenth one is recent: not yet due for recovery; every seventh processed already
            Instant received = NOW.minusSeconds(i % 10 == 0 ? 1 : 60);
            String state = i % 7 == 0 ? "PROCESSED" : "RECEIVED";
            jdbc.update("INSERT INTO callback_inbox (provider, received_at, method, headers, outcome, http_status, state,"
                    + " payment_update) VALUES ('mypvit', ?, 'POST', '{}', 'ACCEPTED', 200, ?, '{}')",
                    received.atOffset(ZoneOffset.UTC), state);
            if (i % 10 != 0 && i % 7 != 0) {
                expected.add(jdbc.queryForObject("SELECT MAX(id) FROM callback_inbox", Long.class));
            }
        }
        CallbackInbox inbox = InboxBelowSpring.on(dataSource, Clock.fixed(NOW, ZoneOffset.UTC), null);

        // what the route's loop does: find, hand over, again while the batch was full
        Exchange run = new DefaultExchange(new DefaultCamelContext());
        List<Long> handedOver = new ArrayList<>();
        List<Integer> batches = new ArrayList<>();
        do {
            List<Long> batch = inbox.unprocessed(run);
            batches.add(batch.size());
            handedOver.addAll(batch);
        } while (run.getProperty(CallbackInbox.RECOVERY_MORE, Boolean.class));

        assertThat(expected).hasSizeGreaterThan(2 * 500);
        assertThat(handedOver).containsExactlyElementsOf(expected);
        assertThat(batches).hasSize(3).first().isEqualTo(500);
    }
}
