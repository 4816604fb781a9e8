package io.paysync.callback;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionTimedOutException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit of accepted callbacks: the callbacks that arrive while the previous group is being
 * committed are written together, in one transaction (JDBC batches, one commit), and each caller
 * returns only once that transaction has committed — so an acknowledgement still never precedes
 * the commit of its callback. Under light load a group is one callback and nothing waits; under
 * load a commit serves many callbacks.
 *
 * <p>A group that fails is written again callback by callback, each in its own transaction, so a
 * callback the database refuses fails alone; a group that gets no connection fails as a whole, and
 * so do the callbacks left when one of them gets none (the database went down meanwhile).
 */
@Component
class InboxWriter {

    private static final Logger log = LoggerFactory.getLogger(InboxWriter.class);

    /** At most this many callbacks in one transaction. */
    static final int MAX_GROUP = 200;
    /** A caller gives up (503: not recorded, as far as it knows) after this long. */
    static final long WAIT_SECONDS = 30;

    static final String INSERT_INBOX = """
            INSERT INTO callback_inbox (provider, received_at, remote_address, method, query, headers, body,
                outcome, http_status, reason, state, payment_update)
            VALUES (:provider, :receivedAt, :remote, :method, :query, :headers, :body,
                :outcome, :httpStatus, :reason, :state, :update)""";

    private static final String CLAIM_KEY = """
            INSERT INTO callback_delivery_key (provider, delivery_key, inbox_id, created_at)
            VALUES (:provider, :key, :inboxId, :now) ON CONFLICT DO NOTHING""";

    private static final String MARK_DUPLICATE =
            "UPDATE callback_inbox SET outcome = 'DUPLICATE', state = 'DONE' WHERE id = :id";

    /**
     * One accepted callback to record.
     *
     * @param row         the named parameters of {@link #INSERT_INBOX}
     * @param deliveryKey the parameters of its delivery key ({@code provider}, {@code key}, {@code now}),
     *                    or null when the provider marks no repeats
     */
    record Entry(MapSqlParameterSource row, MapSqlParameterSource deliveryKey) {
    }

    /** What was committed: the inbox row, and whether its delivery key had been seen before. */
    record Written(long id, boolean duplicate) {
    }

    private record Pending(Entry entry, CompletableFuture<Written> result) {
    }

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;

    InboxWriter(NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.writer = new Thread(this::run, "paysync-inbox-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Records one callback; returns once it is committed.
     *
     * @throws org.springframework.dao.DataAccessException as the database refused it
     * @throws org.springframework.transaction.TransactionException when it could not be written in time
     */
    Written write(Entry entry) {
        if (!running) {
            throw new CannotCreateTransactionException("paysync is stopping; the callback was not recorded");
        }
        Pending pending = new Pending(entry, new CompletableFuture<>());
        queue.add(pending);
        if (!writer.isAlive()) {
            failWaiting();
        }
        try {
            return pending.result().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new TransactionTimedOutException("the callback was not committed within " + WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CannotCreateTransactionException("interrupted while the callback was being recorded");
        }
    }

    /** Callbacks waiting for the next group. */
    int waiting() {
        return queue.size();
    }

    private void run() {
        List<Pending> group = new ArrayList<>(MAX_GROUP);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                // never leave a caller without an answer, never let the writer die
                log.error("Inbox writer failed", e);
                group.forEach(pending -> pending.result().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
        failWaiting();
    }

    private void commit(List<Pending> group) {
        List<Written> written;
        try {
            written = transaction.execute(status -> insert(group));
        } catch (RuntimeException e) {
            if (group.size() == 1 || e instanceof CannotCreateTransactionException) {
                // no connection (the database is down): every callback of the group fails at once (503),
                // rather than each waiting for a connection of its own in turn
                group.forEach(pending -> pending.result().completeExceptionally(e));
                return;
            }
            // one by one: a callback the database refuses must not take the others with it
            for (int i = 0; i < group.size(); i++) {
                Pending pending = group.get(i);
                try {
                    pending.result().complete(transaction.execute(status -> insert(List.of(pending))).get(0));
                } catch (CannotCreateTransactionException down) {
                    // no connection any more (the database went down during the group's commit): the
                    // rest fail at once too, rather than each waiting for a connection in turn
                    group.subList(i, group.size()).forEach(rest -> rest.result().completeExceptionally(down));
                    return;
                } catch (RuntimeException single) {
                    pending.result().completeExceptionally(single);
                }
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).result().complete(written.get(i));
        }
    }

    /** Inside the group's transaction: the inbox rows, then the delivery keys, then the repeats marked. */
    private List<Written> insert(List<Pending> group) {
        MapSqlParameterSource[] rows = group.stream().map(pending -> pending.entry().row())
                .toArray(MapSqlParameterSource[]::new);
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.batchUpdate(INSERT_INBOX, rows, keys, new String[] {"id"});
        List<Long> ids = keys.getKeyList().stream().map(key -> ((Number) key.get("id")).longValue()).toList();
        if (ids.size() != group.size()) {
            throw new IllegalStateException("the database returned " + ids.size() + " ids for " + group.size()
                    + " inbox rows");
        }
        List<Integer> keyed = new ArrayList<>();
        List<MapSqlParameterSource> claims = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            MapSqlParameterSource key = group.get(i).entry().deliveryKey();
            if (key != null) {
                keyed.add(i);
                claims.add(new MapSqlParameterSource(key.getValues()).addValue("inboxId", ids.get(i)));
            }
        }
        boolean[] duplicate = new boolean[group.size()];
        if (!claims.isEmpty()) {
            int[] claimed = jdbc.batchUpdate(CLAIM_KEY, claims.toArray(MapSqlParameterSource[]::new));
            List<MapSqlParameterSource> repeats = new ArrayList<>();
            for (int k = 0; k < claimed.length; k++) {
                if (claimed[k] == Statement.SUCCESS_NO_INFO) {
                    throw new IllegalStateException("the JDBC driver does not report the rows of batched inserts");
                }
                if (claimed[k] == 0) {
                    duplicate[keyed.get(k)] = true;
                    repeats.add(new MapSqlParameterSource("id", ids.get(keyed.get(k))));
                }
            }
            if (!repeats.isEmpty()) {
                jdbc.batchUpdate(MARK_DUPLICATE, repeats.toArray(MapSqlParameterSource[]::new));
            }
        }
        List<Written> written = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            written.add(new Written(ids.get(i), duplicate[i]));
        }
        return written;
    }

    private void failWaiting() {
        Pending pending;
        while ((pending = queue.poll()) != null) {
            pending.result().completeExceptionally(
                    new CannotCreateTransactionException("paysync stopped; the callback was not recorded"));
        }
    }

    /** Writes what is queued, then stops (after Camel has stopped its routes). */
    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        writer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }
}
