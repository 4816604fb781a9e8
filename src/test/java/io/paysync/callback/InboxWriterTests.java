package io.paysync.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.paysync.support.H2Memory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;

/**
 * Group commit of the inbox, on H2 with the real migrations: every caller returns only once its
 * row is committed, callbacks that wait together share one transaction, a provider's repeated
 * delivery key is a duplicate even within one group, and a row the database refuses fails alone.
 */
class InboxWriterTests {

    private final SimpleDriverDataSource dataSource = H2Memory.migrated("inbox-writer");
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    /** Transactions begun; the first one waits for {@link #releaseFirst} when {@link #holdFirst} is set. */
    private final AtomicInteger transactions = new AtomicInteger();
    private final CountDownLatch releaseFirst = new CountDownLatch(1);
    private volatile boolean holdFirst;
    /** Transactions from this one on cannot get a connection (the database is down). */
    private volatile int unreachableFrom = Integer.MAX_VALUE;
    private final InboxWriter writer;
    private final ExecutorService callers = Executors.newFixedThreadPool(16);

    InboxWriterTests() {
        DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource) {
            @Override
            protected void doBegin(Object transaction, TransactionDefinition definition) {
                int number = transactions.incrementAndGet();
                if (number >= unreachableFrom) {
                    throw new CannotCreateTransactionException("Could not open JDBC Connection for transaction");
                }
                if (number == 1 && holdFirst) {
                    try {
                        releaseFirst.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.doBegin(transaction, definition);
            }
        };
        writer = new InboxWriter(new NamedParameterJdbcTemplate(dataSource), manager);
    }

    @AfterEach
    void stop() throws InterruptedException {
        callers.shutdownNow();
        writer.stop();
    }

    @Test
    void callbacksWaitingTogetherShareOneCommitAndEachReturnsOnlyWhenItsRowIsCommitted() throws Exception {
        Future<InboxWriter.Written> first = heldFirstGroup();
        List<Future<InboxWriter.Written>> group = writes(12);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.waiting() == 12);
        assertThat(first).isNotDone();
        assertThat(group).noneMatch(Future::isDone);
        assertThat(count()).isZero();

        releaseFirst.countDown();

        List<Long> ids = new ArrayList<>();
        ids.add(first.get(10, TimeUnit.SECONDS).id());
        for (Future<InboxWriter.Written> written : group) {
            ids.add(written.get(10, TimeUnit.SECONDS).id());
        }
        assertThat(ids).doesNotHaveDuplicates().hasSize(13);
        assertThat(count()).isEqualTo(13);
        assertThat(transactions.get()).isEqualTo(2);
    }

    @Test
    void aRepeatedDeliveryKeyIsADuplicateEvenWithinOneGroup() throws Exception {
        List<Future<InboxWriter.Written>> writes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            writes.add(callers.submit(() -> writer.write(entry("virtualpay", "TRX-1"))));
        }
        int accepted = 0;
        List<Long> duplicates = new ArrayList<>();
        for (Future<InboxWriter.Written> write : writes) {
            InboxWriter.Written written = write.get(10, TimeUnit.SECONDS);
            if (written.duplicate()) {
                duplicates.add(written.id());
            } else {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE outcome = 'DUPLICATE' AND state = 'DONE'",
                Integer.class)).isEqualTo(15);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE outcome = 'ACCEPTED'"
                + " AND state = 'RECEIVED'", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_delivery_key", Integer.class)).isEqualTo(1);
        assertThat(duplicates).hasSize(15);
    }

    @Test
    void aRowTheDatabaseRefusesFailsAloneAndTheRestOfItsGroupIsCommitted() throws Exception {
        Future<InboxWriter.Written> first = heldFirstGroup();
        List<Future<InboxWriter.Written>> good = writes(5);
        // provider is NOT NULL: the database refuses this row
        Future<InboxWriter.Written> refused = callers.submit(() -> writer.write(entry(null, null)));
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.waiting() == 6);
        releaseFirst.countDown();

        first.get(10, TimeUnit.SECONDS);
        for (Future<InboxWriter.Written> write : good) {
            assertThat(write.get(10, TimeUnit.SECONDS).duplicate()).isFalse();
        }
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DataIntegrityViolationException.class);
        assertThat(count()).isEqualTo(6);
    }

    @Test
    void aGroupThatGetsNoConnectionFailsAtOnceWithoutATryPerCallback() throws Exception {
        Future<InboxWriter.Written> first = heldFirstGroup();
        List<Future<InboxWriter.Written>> group = writes(8);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.waiting() == 8);
        unreachableFrom = 2;
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).duplicate()).isFalse();
        assertNoConnection(group);
        assertThat(transactions.get()).isEqualTo(2);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void whenTheDatabaseGoesDownDuringAGroupTheRestFailAtOnceNotOneConnectionWaitEach() throws Exception {
        Future<InboxWriter.Written> first = heldFirstGroup();
        List<Future<InboxWriter.Written>> group = writes(8);
        // the group's commit fails (a row the database refuses), and from then on there is no connection
        Future<InboxWriter.Written> refused = callers.submit(() -> writer.write(entry(null, null)));
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.waiting() == 9);
        unreachableFrom = 3;
        releaseFirst.countDown();

        first.get(10, TimeUnit.SECONDS);
        assertNoConnection(group);
        assertNoConnection(List.of(refused));
        // the first, the group's, and one try alone that found no connection: not one per callback
        assertThat(transactions.get()).isEqualTo(3);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void aCallbackAfterStopIsRefusedNotLeftWaiting() throws Exception {
        writer.stop();
        assertThatThrownBy(() -> writer.write(entry("mypvit", null)))
                .isInstanceOf(org.springframework.transaction.TransactionException.class);
        assertThat(count()).isZero();
    }

    /** Every write failed because the database gave no connection. */
    private static void assertNoConnection(List<Future<InboxWriter.Written>> writes) {
        for (Future<InboxWriter.Written> write : writes) {
            assertThatThrownBy(() -> write.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(CannotCreateTransactionException.class);
        }
    }

    /** One callback whose group's transaction waits for {@link #releaseFirst}: the next ones queue up behind it. */
    private Future<InboxWriter.Written> heldFirstGroup() {
        holdFirst = true;
        Future<InboxWriter.Written> first = callers.submit(() -> writer.write(entry("mypvit", null)));
        await().atMost(Duration.ofSeconds(10)).until(() -> transactions.get() == 1);
        return first;
    }

    private List<Future<InboxWriter.Written>> writes(int count) {
        List<Future<InboxWriter.Written>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(callers.submit(() -> writer.write(entry("mypvit", null))));
        }
        return writes;
    }

    private int count() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox", Integer.class);
    }

    private static InboxWriter.Entry entry(String provider, String deliveryKey) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        MapSqlParameterSource row = new MapSqlParameterSource("provider", provider)
                .addValue("receivedAt", now)
                .addValue("remote", "127.0.0.1")
                .addValue("method", "POST")
                .addValue("query", null)
                .addValue("headers", "{}")
                .addValue("body", "{}")
                .addValue("outcome", "ACCEPTED")
                .addValue("httpStatus", 200)
                .addValue("reason", null)
                .addValue("state", "RECEIVED")
                .addValue("update", "{}");
        MapSqlParameterSource key = deliveryKey == null ? null
                : new MapSqlParameterSource("provider", provider).addValue("key", deliveryKey).addValue("now", now);
        return new InboxWriter.Entry(row, key);
    }
}
