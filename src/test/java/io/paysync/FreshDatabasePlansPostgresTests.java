package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.support.Postgres;
import org.assertj.core.api.SoftAssertions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The hot statements stay key lookups on a fresh PostgreSQL database, before it has statistics
 * (migrations V8 and db/vendor/postgresql/V9, V10): the JDBC driver prepares them while the tables are
 * empty and a connection keeps that plan, so a plan that walks an index matching only the
 * provider or the state got slower with every row added (a 20,000-callback burst: 1–2 ms per
 * lookup instead of 0.05).
 *
 * <p>Each statement is prepared and run once on the empty, never-analysed schema, with the generic
 * plan the driver's server-side statements end up with; then 20,000 rows are added, and that plan
 * must still touch only a handful of pages. Autovacuum is off on these tables, so no statistics appear
 * while the test runs.
 */
@EnabledIfEnvironmentVariable(named = Postgres.URL_VARIABLE, matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FreshDatabasePlansPostgresTests {

    private static final String SCHEMA = "paysync_plans";
    private static final int ROWS = 20_000;
    /**
     * A key lookup (and, for updates, the index entries written) reads a few pages per row it hands back;
     * a walk reads hundreds.
     */
    private static final int MAX_PAGES = 20;

    /** The statements as paysync issues them (their sources named), with values to run them with. */
    private record Hot(String name, String prepare, String execute) {
    }

    private static final List<Hot> HOT = List.of(
            // PaymentRepository.lockByMatchKey: the pipeline's lookup of every callback's payment
            new Hot("lock by match key", """
                    PREPARE lock_by_match_key(varchar, varchar) AS SELECT id, status FROM payment
                    WHERE provider = $1 AND match_key = $2 FOR UPDATE""",
                    "EXECUTE lock_by_match_key('mypvit', 'REF-mypvit-17170')"),
            // PaymentRepository.find: the merchant API's GET by reference
            new Hot("find by merchant reference", """
                    PREPARE find_by_reference(varchar, varchar) AS SELECT id, status FROM payment
                    WHERE provider = $1 AND merchant_reference = $2""",
                    "EXECUTE find_by_reference('mypvit', 'REF-mypvit-17170')"),
            // PaymentRepository.lockByProviderReference (MVola)
            new Hot("lock by provider reference", """
                    PREPARE lock_by_provider_reference(varchar, varchar) AS SELECT id FROM payment
                    WHERE provider = $1 AND provider_reference = $2 ORDER BY id DESC LIMIT 1 FOR UPDATE""",
                    "EXECUTE lock_by_provider_reference('mvola', 'PR-mvola-17174')"),
            // PaymentRepository.lockOpenByVirtualAccount (VirtualPay): one static account into which
            // every VirtualPay payment was made, all settled but one (V10)
            new Hot("lock the open payment of a virtual account", """
                    PREPARE lock_open_by_virtual_account(varchar, varchar) AS SELECT id FROM payment
                    WHERE id = GREATEST(
                        (SELECT MAX(id) FROM payment WHERE provider = $1 AND virtual_account = $2
                            AND origin = 'API' AND status = 'PENDING'),
                        (SELECT MAX(id) FROM payment WHERE provider = $1 AND virtual_account = $2
                            AND origin = 'API' AND status = 'UNCERTAIN'))
                    AND status IN ('PENDING', 'UNCERTAIN') FOR UPDATE""",
                    "EXECUTE lock_open_by_virtual_account('virtualpay', 'VA-STATIC')"),
            // PaymentRepository.history
            new Hot("history of a payment", """
                    PREPARE history(bigint) AS SELECT status, source, at, detail FROM payment_history
                    WHERE payment_id = $1 ORDER BY id""",
                    "EXECUTE history(17171)"),
            // CallbackInbox.claimRows: the pipeline's first statement for every batch (here of two)
            new Hot("claim inbox rows", """
                    PREPARE claim(timestamptz, bigint, bigint) AS UPDATE callback_inbox SET state = 'PROCESSED',
                    processed_at = $1 WHERE id IN ($2, $3) AND state = 'RECEIVED'
                    RETURNING id, payment_update, received_at""",
                    "EXECUTE claim(now(), 17171, 17176)"),
            // Outbox.claimDue: the downstream lease of every batch of events (here of two)
            new Hot("lease outbox rows", """
                    PREPARE lease(timestamptz, bigint, bigint, timestamptz) AS UPDATE outbox SET lease_until = $1
                    WHERE id IN ($2, $3) AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < $4)
                    RETURNING id""",
                    "EXECUTE lease(now() + interval '2 minutes', 17171, 17176, now())"));

    private final ObjectMapper json = new ObjectMapper();
    private DriverManagerDataSource dataSource;

    @BeforeAll
    void freshSchema() {
        dataSource = new DriverManagerDataSource(Postgres.url(SCHEMA), Postgres.user(), Postgres.password());
        Flyway flyway = Flyway.configure().dataSource(dataSource).schemas(SCHEMA).cleanDisabled(false)
                .locations("classpath:db/migration", "classpath:db/vendor/postgresql").load();
        flyway.clean();
        flyway.migrate();
    }

    @Test
    void hotStatementsPreparedOnAnEmptyDatabaseStayKeyLookupsAsTheTablesFill() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            for (String table : List.of("payment", "payment_history", "callback_inbox", "outbox")) {
                sql.execute("ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
                assertThat(neverAnalysed(sql, table)).as("%s has no statistics", table).isTrue();
            }
            sql.execute("SET plan_cache_mode = force_generic_plan");
            for (Hot hot : HOT) {
                // planned at its first execution, on the empty tables, and kept
                sql.execute(hot.prepare());
                sql.execute(hot.execute());
            }
            fill(sql);
            connection.setAutoCommit(false);
            SoftAssertions softly = new SoftAssertions();
            for (Hot hot : HOT) {
                JsonNode plan = explain(sql, hot.execute());
                long pages = plan.path("Shared Hit Blocks").asLong() + plan.path("Shared Read Blocks").asLong();
                // per row it hands back: the two-row updates write each row's index entries
                long budget = MAX_PAGES * Math.max(1, plan.path("Actual Rows").asLong());
                softly.assertThat(pages).as("pages read by '%s' among %d rows; plan: %s", hot.name(), ROWS, plan)
                        .isLessThanOrEqualTo(budget);
                softly.assertThat(plan.path("Actual Rows").asLong() + rowsBelow(plan))
                        .as("'%s' found its row (the test looks for a row that exists)", hot.name())
                        .isPositive();
            }
            connection.rollback();
            softly.assertAll();
        }
    }

    /**
     * Five providers' payments, each with a history entry, a received callback and a pending event;
     * VirtualPay's all initiated through the API into one static virtual account and settled, but one.
     */
    private static void fill(Statement sql) throws SQLException {
        sql.execute("""
                INSERT INTO payment (id, provider, merchant_reference, match_key, provider_reference, status, origin,
                    virtual_account, created_at, updated_at)
                SELECT g, p, 'REF-' || p || '-' || g, 'REF-' || p || '-' || g,
                    CASE WHEN p = 'mvola' THEN 'PR-' || p || '-' || g END,
                    CASE WHEN p = 'virtualpay' AND g <> 17173 THEN 'SUCCESS' ELSE 'PENDING' END,
                    CASE WHEN p = 'virtualpay' THEN 'API' ELSE 'CALLBACK' END,
                    CASE WHEN p = 'virtualpay' THEN 'VA-STATIC' END, now(), now()
                FROM generate_series(1, %d) g,
                    LATERAL (SELECT (ARRAY['mypvit', 'cinetpay', 'ellypay', 'virtualpay', 'mvola'])[g %% 5 + 1] AS p) x
                """.formatted(ROWS));
        sql.execute("""
                INSERT INTO payment_history (payment_id, status, source, at) SELECT id, 'PENDING', 'CALLBACK', now()
                FROM payment""");
        sql.execute("""
                INSERT INTO callback_inbox (id, provider, received_at, method, headers, outcome, http_status, state)
                SELECT id, provider, now(), 'POST', '{}', 'ACCEPTED', 200, 'RECEIVED' FROM payment""");
        sql.execute("""
                INSERT INTO outbox (id, event_id, target, payment_id, payload, status, attempts, next_attempt_at,
                    created_at)
                SELECT id, provider || ':' || merchant_reference || ':SUCCESS', 'default', id, '{}', 'PENDING', 0,
                    now(), now() FROM payment""");
    }

    private JsonNode explain(Statement sql, String execute) throws Exception {
        try (ResultSet result = sql.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + execute)) {
            result.next();
            return json.readTree(result.getString(1)).get(0).get("Plan");
        }
    }

    /** Rows found by the scans below an update (an UPDATE's top node returns none). */
    private static long rowsBelow(JsonNode plan) {
        long rows = 0;
        for (JsonNode child : plan.path("Plans")) {
            rows += child.path("Actual Rows").asLong() + rowsBelow(child);
        }
        return rows;
    }

    private static boolean neverAnalysed(Statement sql, String table) throws SQLException {
        try (ResultSet result = sql.executeQuery("SELECT reltuples < 0 FROM pg_class WHERE oid = '"
                + SCHEMA + "." + table + "'::regclass")) {
            result.next();
            return result.getBoolean(1);
        }
    }
}
