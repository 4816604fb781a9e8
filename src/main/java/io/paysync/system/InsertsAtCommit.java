package io.paysync.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Inserts that nothing reads before the transaction commits (a payment's history, its outbox rows):
 * held for the current transaction and sent just before it commits, one JDBC batch per statement —
 * one round trip for all the rows a pipeline batch writes to a table instead of one per row. They
 * commit or roll back with the transaction like any other statement of it: an insert that fails
 * fails the commit, and the transaction rolls back. Outside a transaction, at once.
 *
 * <p>Rows of one statement are sent in the order they were added (their ids follow it); statements
 * in the order they were first used. A transaction that must read such rows back first calls
 * {@link #flush()}. A transaction suspended for another (REQUIRES_NEW) keeps its rows for itself.
 */
@Component
public class InsertsAtCommit {

    private final NamedParameterJdbcTemplate jdbc;

    public InsertsAtCommit(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts {@code row} with {@code sql} when the current transaction commits (at once outside one);
     * {@code written} gets the row count then (0 when {@code ON CONFLICT DO NOTHING} skipped it).
     */
    public void add(String sql, SqlParameterSource row, IntConsumer written) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            written.accept(jdbc.update(sql, row));
            return;
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            pending = new Pending();
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(new AtCommit(pending));
        }
        pending.rows.computeIfAbsent(sql, s -> new ArrayList<>()).add(new Row(row, written));
    }

    /** Sends what the current transaction holds so far, now (before it reads those tables back). */
    public void flush() {
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending != null) {
            send(pending);
        }
    }

    private void send(Pending pending) {
        List<Map.Entry<String, List<Row>>> statements = new ArrayList<>(pending.rows.entrySet());
        pending.rows.clear();
        for (Map.Entry<String, List<Row>> statement : statements) {
            List<Row> rows = statement.getValue();
            int[] counts = jdbc.batchUpdate(statement.getKey(),
                    rows.stream().map(Row::params).toArray(SqlParameterSource[]::new));
            for (int i = 0; i < rows.size(); i++) {
                rows.get(i).written().accept(counts[i]);
            }
        }
    }

    private record Row(SqlParameterSource params, IntConsumer written) {
    }

    /** The rows one transaction holds, by statement. */
    private static final class Pending {
        private final Map<String, List<Row>> rows = new LinkedHashMap<>();
    }

    private final class AtCommit implements TransactionSynchronization {

        private final Pending pending;

        AtCommit(Pending pending) {
            this.pending = pending;
        }

        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResource(InsertsAtCommit.this);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(InsertsAtCommit.this, pending);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            send(pending);
        }

        @Override
        public void afterCompletion(int status) {
            pending.rows.clear();
            TransactionSynchronizationManager.unbindResourceIfPossible(InsertsAtCommit.this);
        }
    }
}
