package io.paysync.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import io.paysync.support.MutableClock;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The downstream claim ({@link Outbox#claimDue()}): due events leased in batches, each event to one
 * claimer at a time — however many claim at once — and to the next one once its lease has run out.
 * Run on H2 and on PostgreSQL, where concurrent claimers really race for the same rows.
 */
abstract class OutboxClaimContract {

    private static final int EVENTS = 300;
    private static final int BATCH = 20;

    private static final CamelContext CAMEL = new DefaultCamelContext();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private DataSource dataSource;
    private JdbcTemplate sql;

    /** An empty, migrated database of the kind under test. */
    abstract DataSource database();

    @BeforeEach
    void dueEvents() {
        dataSource = database();
        sql = new JdbcTemplate(dataSource);
        sql.update("DELETE FROM outbox");
        sql.update("DELETE FROM payment");
        OffsetDateTime past = OffsetDateTime.ofInstant(clock.instant().minusSeconds(60), ZoneOffset.UTC);
        for (int i = 0; i < EVENTS; i++) {
            String reference = "CLAIM-" + i;
            sql.update("""
                    INSERT INTO payment (provider, merchant_reference, match_key, status, origin, created_at, updated_at)
                    VALUES ('mypvit', ?, ?, 'SUCCESS', 'CALLBACK', ?, ?)""", reference, reference, past, past);
            sql.update("""
                    INSERT INTO outbox (event_id, target, payment_id, payload, status, attempts, next_attempt_at, created_at)
                    SELECT ?, 'default', id, '{}', 'PENDING', 0, ?, ? FROM payment WHERE merchant_reference = ?""",
                    "mypvit:" + reference + ":SUCCESS", past, past, reference);
        }
    }

    @Test
    void concurrentClaimersTakeEveryDueEventExactlyOnce() throws Exception {
        int claimers = 4;
        AtomicInteger taken = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(claimers);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                Outbox outbox = outbox();
                Callable<List<Long>> claimer = () -> {
                    List<Long> mine = new ArrayList<>();
                    // a claim can come back short or empty while the others hold the rows it saw
                    for (int round = 0; round < 10 * EVENTS && taken.get() < EVENTS; round++) {
                        for (Outbox.Event event : outbox.claimDue()) {
                            mine.add(event.id());
                            taken.incrementAndGet();
                        }
                    }
                    return mine;
                };
                results.add(threads.submit(claimer));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get());
            }
            assertThat(all).as("every event claimed once").hasSize(EVENTS).doesNotHaveDuplicates();
            assertThat(new HashSet<>(all)).isEqualTo(new HashSet<>(sql.queryForList("SELECT id FROM outbox", Long.class)));
        } finally {
            threads.shutdownNow();
        }
        assertThat(sql.queryForObject("SELECT COUNT(*) FROM outbox WHERE lease_until IS NULL", Integer.class))
                .as("every row carries its lease").isZero();
    }

    @Test
    void aLeasedEventIsClaimedAgainOnlyOnceItsLeaseHasRunOut() {
        Outbox outbox = outbox();
        List<Outbox.Event> first = outbox.claimDue();
        assertThat(first).hasSize(BATCH);
        assertThat(first).extracting(Outbox.Event::eventId).allMatch(id -> id.startsWith("mypvit:CLAIM-"));

        // the rest, batch after batch; then nothing while the leases hold
        int claimed = first.size();
        for (List<Outbox.Event> batch = outbox.claimDue(); !batch.isEmpty(); batch = outbox.claimDue()) {
            claimed += batch.size();
        }
        assertThat(claimed).isEqualTo(EVENTS);
        clock.advance(Outbox.LEASE.minusSeconds(1));
        assertThat(outbox.claimDue()).isEmpty();

        clock.advance(Duration.ofSeconds(2));
        assertThat(outbox.claimDue()).extracting(Outbox.Event::id)
                .containsExactlyElementsOf(first.stream().map(Outbox.Event::id).toList());
    }

    @Test
    void aSenderWhoseLeaseRanOutDoesNotUndoTheNextSendersDelivery() {
        Takeover t = takeover();
        t.next().delivered(sent(t.next(), t.taken(), null));
        t.first().failed(sent(t.first(), t.late(), new IllegalStateException("target timed out")));
        assertThat(row(t.late().id())).as("a late failure leaves the delivery as recorded")
                .isEqualTo("DELIVERED attempts=1 lease=false");
        t.first().delivered(sent(t.first(), t.late(), null));
        assertThat(row(t.late().id())).isEqualTo("DELIVERED attempts=1 lease=false");
    }

    @Test
    void aLateFailureLeavesTheRowToTheSenderThatHoldsItNow() {
        Takeover t = takeover();
        t.first().failed(sent(t.first(), t.late(), new IllegalStateException("target timed out")));
        assertThat(row(t.late().id())).as("still leased to the next sender, no attempt counted")
                .isEqualTo("PENDING attempts=0 lease=true");
        t.next().failed(sent(t.next(), t.taken(), new IllegalStateException("target down")));
        assertThat(row(t.late().id())).as("the holder's failure is recorded")
                .isEqualTo("PENDING attempts=1 lease=false");
    }

    /** A sender's send outlasted its lease ({@code late}), and the next sender took the row ({@code taken}). */
    private record Takeover(Outbox first, Outbox.Event late, Outbox next, Outbox.Event taken) {
    }

    private Takeover takeover() {
        Outbox first = outbox();
        Outbox.Event late = first.claimDue().get(0);
        clock.advance(Outbox.LEASE.plusSeconds(1));
        Outbox next = outbox();
        Outbox.Event taken = next.claimDue().get(0);
        assertThat(taken.id()).isEqualTo(late.id());
        return new Takeover(first, late, next, taken);
    }

    /** The exchange of a send of {@code event}, after it failed with {@code failure} (null: delivered). */
    private static Exchange sent(Outbox outbox, Outbox.Event event, Exception failure) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getMessage().setBody(event);
        try {
            outbox.prepare(exchange);
        } catch (InvalidPayloadException e) {
            throw new AssertionError(e);
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    private String row(long id) {
        return sql.queryForObject("SELECT status, attempts, lease_until FROM outbox WHERE id = ?",
                (rs, n) -> rs.getString("status") + " attempts=" + rs.getInt("attempts") + " lease="
                        + (rs.getObject("lease_until") != null), id);
    }

    private Outbox outbox() {
        return OutboxBelowSpring.on(dataSource, clock, Duration.ofSeconds(1), Duration.ofMinutes(5), BATCH);
    }
}
