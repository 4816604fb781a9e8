package io.paysync.payment;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.paysync.system.InsertsAtCommit;
import io.paysync.system.Returning;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Payments and their history, in plain SQL that runs on PostgreSQL and H2 (MODE=PostgreSQL). */
@Repository
public class PaymentRepository {

    private static final String COLUMNS = """
            id, provider, merchant_reference, provider_reference, status, amount, currency, fees, payer, operator,
            status_reason, flags, virtual_account, customer_id, origin, created_at, updated_at, finalized_at""";
    private static final String[] COLUMN_NAMES = COLUMNS.strip().split(",\\s*");

    private final NamedParameterJdbcTemplate jdbc;
    private final InsertsAtCommit atCommit;

    PaymentRepository(NamedParameterJdbcTemplate jdbc, InsertsAtCommit atCommit) {
        this.jdbc = jdbc;
        this.atCommit = atCommit;
    }

    /** Filters of the payment list; null means any. */
    public record Filter(String provider, PaymentStatus status, Flag flag, Long afterId, int limit) {
    }

    public Optional<Payment> find(String provider, String merchantReference) {
        return one("SELECT " + COLUMNS + " FROM payment WHERE provider = :provider AND merchant_reference = :ref",
                new MapSqlParameterSource("provider", provider).addValue("ref", merchantReference))
                .map(this::withHistory);
    }

    private static final String BY_MATCH_KEY = "SELECT " + COLUMNS
            + " FROM payment WHERE provider = :provider AND match_key = :key";

    /** The payment with this match key (see CallbackMapper#matchKey), with its history. */
    public Optional<Payment> findByMatchKey(String provider, String matchKey) {
        return one(BY_MATCH_KEY, new MapSqlParameterSource("provider", provider).addValue("key", matchKey))
                .map(this::withHistory);
    }

    /** Locks and returns the payment with this match key (see CallbackMapper#matchKey). */
    Optional<Payment> lockByMatchKey(String provider, String matchKey) {
        return one(BY_MATCH_KEY + " FOR UPDATE",
                new MapSqlParameterSource("provider", provider).addValue("key", matchKey));
    }

    private Payment withHistory(Payment payment) {
        return payment.withHistory(history(payment.id()));
    }

    Optional<Payment> lockByProviderReference(String provider, String providerReference) {
        return one("SELECT " + COLUMNS + " FROM payment WHERE provider = :provider AND provider_reference = :ref"
                        + " ORDER BY id DESC LIMIT 1 FOR UPDATE",
                new MapSqlParameterSource("provider", provider).addValue("ref", providerReference));
    }

    /**
     * {@link #lockOpenByVirtualAccount}: the newest of each open status by key (the account's settled
     * payments are never read: a static account takes all of its customer's payments), then that row,
     * locked. One lookup per status, because H2 uses an index for {@code status = …} but not for
     * {@code status IN (…)} after other columns (db/vendor/h2/V10); PostgreSQL serves both from its
     * partial index of open payments (db/vendor/postgresql/V10).
     */
    static final String OPEN_BY_VIRTUAL_ACCOUNT = "SELECT " + COLUMNS + """
             FROM payment WHERE id = GREATEST(
                (SELECT MAX(id) FROM payment WHERE provider = :provider AND virtual_account = :account
                    AND origin = 'API' AND status = 'PENDING'),
                (SELECT MAX(id) FROM payment WHERE provider = :provider AND virtual_account = :account
                    AND origin = 'API' AND status = 'UNCERTAIN'))
            AND status IN ('PENDING', 'UNCERTAIN') FOR UPDATE""";

    /** The newest payment initiated through the API into this virtual account and not settled yet. */
    Optional<Payment> lockOpenByVirtualAccount(String provider, String virtualAccount) {
        return one(OPEN_BY_VIRTUAL_ACCOUNT,
                new MapSqlParameterSource("provider", provider).addValue("account", virtualAccount));
    }

    /**
     * Creates a PENDING payment unless one with the same reference or match key exists (safe
     * under concurrency: the loser of a race inserts nothing).
     *
     * @return true when this call created it
     */
    public boolean insertIfAbsent(NewPayment payment, Instant now) {
        return jdbc.update(INSERT_IF_ABSENT, newPayment(payment, now)) == 1;
    }

    /**
     * A payment first seen in a callback or status answer, inserted as the state rules left it, with
     * its status check schedule and the final status an unsigned callback claimed: one statement
     * (inserting it PENDING and then updating it took two, and left a dead row version behind in
     * every index of the table). Returns it locked by this transaction (as a row it inserted), in the
     * same round trip; empty when a payment with the same reference or match key exists already (a
     * concurrent creator's: its row is locked once that transaction ends).
     */
    Optional<Payment> insertFirstSeenIfAbsent(Payment firstSeen, String matchKey, PaymentStatus claimedStatus,
            Instant nextCheckAt) {
        MapSqlParameterSource row = values(firstSeen)
                .addValue("ref", firstSeen.merchantReference())
                .addValue("key", matchKey)
                .addValue("origin", firstSeen.origin().name())
                .addValue("created", utc(firstSeen.createdAt()))
                .addValue("nextCheck", utc(nextCheckAt))
                .addValue("claimed", claimedStatus == null ? null : claimedStatus.name());
        return Returning.one(jdbc, """
                INSERT INTO payment (provider, merchant_reference, match_key, provider_reference, status, amount,
                    currency, fees, payer, operator, status_reason, flags, virtual_account, customer_id, origin,
                    created_at, updated_at, finalized_at, next_check_at, claimed_status)
                VALUES (:provider, :ref, :key, :providerRef, :status, :amount, :currency, :fees, :payer, :operator,
                    :reason, :flags, :account, :customer, :origin, :created, :updated, :finalized, :nextCheck,
                    :claimed)
                ON CONFLICT DO NOTHING""", row, COLUMN_NAMES, PAYMENT);
    }

    private static final String INSERT_IF_ABSENT = """
            INSERT INTO payment (provider, merchant_reference, match_key, provider_reference, status, amount,
                currency, payer, flags, origin, created_at, updated_at, next_check_at)
            VALUES (:provider, :ref, :key, :providerRef, 'PENDING', :amount, :currency, :payer, :flags, :origin,
                :now, :now, :nextCheck)
            ON CONFLICT DO NOTHING""";

    private static MapSqlParameterSource newPayment(NewPayment payment, Instant now) {
        return new MapSqlParameterSource("provider", payment.provider())
                .addValue("ref", payment.merchantReference())
                .addValue("key", payment.matchKey())
                .addValue("providerRef", payment.providerReference())
                .addValue("amount", payment.amount())
                .addValue("currency", payment.currency())
                .addValue("payer", payment.payer())
                .addValue("flags", flags(payment.flags()))
                .addValue("origin", payment.origin().name())
                .addValue("nextCheck", utc(payment.firstCheckAt()))
                .addValue("now", utc(now));
    }

    /** What a new payment starts with, and when it is first due for a status check. */
    public record NewPayment(String provider, String merchantReference, String matchKey, String providerReference,
            BigDecimal amount, String currency, String payer, Set<Flag> flags, Source origin, Instant firstCheckAt) {
    }

    /** Writes the payment back; a final or UNCERTAIN one is no longer due for status checks. */
    void update(Payment p) {
        String schedule = (p.status() == PaymentStatus.PENDING ? "" : ", next_check_at = NULL, check_lease_until = NULL")
                + (p.status().isFinal() ? ", claimed_status = NULL" : "");
        jdbc.update("UPDATE payment SET provider_reference = :providerRef, status = :status, amount = :amount,"
                        + " currency = :currency, fees = :fees, payer = :payer, operator = :operator,"
                        + " status_reason = :reason, flags = :flags, virtual_account = :account,"
                        + " customer_id = :customer, updated_at = :updated, finalized_at = :finalized" + schedule
                        + " WHERE id = :id",
                values(p).addValue("id", p.id()));
    }

    /** What the state rules change of a payment, as the parameters of {@link #update} and {@link #insertFirstSeenIfAbsent}. */
    private static MapSqlParameterSource values(Payment p) {
        return new MapSqlParameterSource("provider", p.provider())
                .addValue("providerRef", p.providerReference())
                .addValue("status", p.status().name())
                .addValue("amount", p.amount())
                .addValue("currency", p.currency())
                .addValue("fees", p.fees())
                .addValue("payer", p.payer())
                .addValue("operator", p.operator())
                .addValue("reason", truncate(p.statusReason(), 500))
                .addValue("flags", flags(p.flags()))
                .addValue("account", p.virtualAccount())
                .addValue("customer", p.customerId())
                .addValue("updated", utc(p.updatedAt()))
                .addValue("finalized", utc(p.finalizedAt()));
    }

    /** Sets the provider reference where none is known yet. */
    public void fillProviderReference(long id, String providerReference) {
        jdbc.update("UPDATE payment SET provider_reference = :ref WHERE id = :id AND provider_reference IS NULL",
                new MapSqlParameterSource("id", id).addValue("ref", providerReference));
    }

    public void appendHistory(long paymentId, List<HistoryEntry> entries) {
        // rows this transaction holds for its commit go first: history is read in id order
        atCommit.flush();
        for (HistoryEntry entry : entries) {
            jdbc.update(INSERT_HISTORY, historyRow(paymentId, entry));
        }
    }

    /**
     * {@link #appendHistory}, sent when the transaction commits together with the other history rows
     * of the pipeline's batch (see {@link InsertsAtCommit}); {@link #history} still sees them.
     */
    void appendHistoryAtCommit(long paymentId, List<HistoryEntry> entries) {
        for (HistoryEntry entry : entries) {
            atCommit.add(INSERT_HISTORY, historyRow(paymentId, entry), written -> { });
        }
    }

    private static final String INSERT_HISTORY = """
            INSERT INTO payment_history (payment_id, status, source, at, detail)
            VALUES (:paymentId, :status, :source, :at, :detail)""";

    private static MapSqlParameterSource historyRow(long paymentId, HistoryEntry entry) {
        return new MapSqlParameterSource("paymentId", paymentId)
                .addValue("status", entry.status().name())
                .addValue("source", entry.source().name())
                .addValue("at", utc(entry.at()))
                .addValue("detail", truncate(entry.detail(), 1000));
    }

    List<HistoryEntry> history(long paymentId) {
        atCommit.flush();
        return jdbc.query("SELECT status, source, at, detail FROM payment_history WHERE payment_id = :id ORDER BY id",
                new MapSqlParameterSource("id", paymentId),
                (rs, n) -> new HistoryEntry(PaymentStatus.valueOf(rs.getString("status")),
                        Source.valueOf(rs.getString("source")), instant(rs, "at"), rs.getString("detail")));
    }

    public Optional<Payment> findById(long id) {
        return one("SELECT " + COLUMNS + " FROM payment WHERE id = :id", new MapSqlParameterSource("id", id));
    }

    /**
     * Claims up to {@code limit} payments due for a status check, each with a lease until
     * {@code leaseUntil}: one checker per payment at a time, across threads and instances. Due are
     * PENDING payments on their schedule and UNCERTAIN ones a callback asked to check (see
     * {@link #dueNow}); an UNCERTAIN payment is otherwise no longer polled (its next check is NULL).
     */
    public List<Long> claimDue(Instant now, Instant leaseUntil, int limit) {
        MapSqlParameterSource params = new MapSqlParameterSource("now", utc(now))
                .addValue("lease", utc(leaseUntil)).addValue("limit", limit);
        List<Long> due = jdbc.queryForList("""
                SELECT id FROM payment WHERE status IN ('PENDING', 'UNCERTAIN') AND next_check_at <= :now
                    AND (check_lease_until IS NULL OR check_lease_until < :now)
                ORDER BY next_check_at LIMIT :limit""", params, Long.class);
        return due.stream().filter(id -> jdbc.update("""
                UPDATE payment SET check_lease_until = :lease
                WHERE id = :id AND status IN ('PENDING', 'UNCERTAIN') AND next_check_at <= :now
                    AND (check_lease_until IS NULL OR check_lease_until < :now)""",
                new MapSqlParameterSource(params.getValues()).addValue("id", id)) == 1).toList();
    }

    /**
     * After a check without a final answer: counts it, releases the lease, and sets the next check
     * of a payment still on a schedule (PENDING, or UNCERTAIN since a callback asked for checks); an
     * UNCERTAIN one that is not stays unpolled.
     */
    public void checked(long id, Instant nextCheckAt) {
        jdbc.update("""
                UPDATE payment SET check_attempts = check_attempts + 1, check_lease_until = NULL,
                    next_check_at = CASE WHEN status = 'PENDING' OR next_check_at IS NOT NULL THEN :next END
                WHERE id = :id AND status IN ('PENDING', 'UNCERTAIN')""",
                new MapSqlParameterSource("id", id).addValue("next", utc(nextCheckAt)));
    }

    /**
     * An UNCERTAIN payment whose checks a callback asked for got no final answer within
     * {@code give-up-after} of that callback: no more checks (a later callback asks again).
     */
    public void stopChecks(long id) {
        jdbc.update("""
                UPDATE payment SET check_lease_until = NULL, next_check_at = NULL
                WHERE id = :id AND status = 'UNCERTAIN'""", new MapSqlParameterSource("id", id));
    }

    /** A claimed payment that was not checked (its provider was busy): lease released, due again at nextCheckAt. */
    public void release(long id, Instant nextCheckAt) {
        jdbc.update("""
                UPDATE payment SET check_lease_until = NULL,
                    next_check_at = CASE WHEN status = 'PENDING' OR next_check_at IS NOT NULL THEN :next END
                WHERE id = :id AND status IN ('PENDING', 'UNCERTAIN')""",
                new MapSqlParameterSource("id", id).addValue("next", utc(nextCheckAt)));
    }

    /** Claims one open payment for an immediate check (false when someone else holds it). */
    public boolean claimNow(long id, Instant now, Instant leaseUntil) {
        return jdbc.update("""
                UPDATE payment SET check_lease_until = :lease
                WHERE id = :id AND status IN ('PENDING', 'UNCERTAIN')
                    AND (check_lease_until IS NULL OR check_lease_until < :now)""",
                new MapSqlParameterSource("id", id).addValue("now", utc(now)).addValue("lease", utc(leaseUntil))) == 1;
    }

    /**
     * Makes an open payment due now: a callback needs the provider's word. An UNCERTAIN one is
     * polled again from here (backoff, {@link #checked}) until a final answer, or until
     * {@code give-up-after} from this callback ({@link #stopChecks}): the check made at once may fail.
     */
    void dueNow(long id, Instant now) {
        jdbc.update("UPDATE payment SET next_check_at = :now WHERE id = :id AND status IN ('PENDING', 'UNCERTAIN')",
                new MapSqlParameterSource("id", id).addValue("now", utc(now)));
    }

    /** The final status an unsigned callback reported and a status check has not confirmed yet, or null. */
    PaymentStatus claimedStatus(long id) {
        String claimed = jdbc.queryForObject("SELECT claimed_status FROM payment WHERE id = :id",
                new MapSqlParameterSource("id", id), String.class);
        return claimed == null ? null : PaymentStatus.valueOf(claimed);
    }

    void claim(long id, PaymentStatus status) {
        jdbc.update("UPDATE payment SET claimed_status = :status WHERE id = :id",
                new MapSqlParameterSource("id", id).addValue("status", status.name()));
    }

    public int checkAttempts(long id) {
        Integer attempts = jdbc.queryForObject("SELECT check_attempts FROM payment WHERE id = :id",
                new MapSqlParameterSource("id", id), Integer.class);
        return attempts == null ? 0 : attempts;
    }

    /** The PENDING payments of one provider due for a status check: how many, and the earliest due time. */
    public record Due(long count, Instant oldestDueAt) {
    }

    /**
     * The reconciliation backlog per provider (providers with nothing due are absent): one query,
     * a range scan of {@code payment_next_check_idx} (settled payments have no next check).
     */
    public Map<String, Due> due(Instant now) {
        Map<String, Due> due = new HashMap<>();
        jdbc.query("""
                SELECT provider, COUNT(*) AS due, MIN(next_check_at) AS oldest FROM payment
                WHERE next_check_at <= :now AND status = 'PENDING' GROUP BY provider""",
                new MapSqlParameterSource("now", utc(now)),
                rs -> {
                    due.put(rs.getString("provider"), new Due(rs.getLong("due"), instant(rs, "oldest")));
                });
        return due;
    }

    /** A page of payments, newest first (keyset paging on the id). */
    public List<Payment> list(Filter filter) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM payment WHERE 1 = 1");
        MapSqlParameterSource params = new MapSqlParameterSource("limit", filter.limit());
        if (filter.provider() != null) {
            sql.append(" AND provider = :provider");
            params.addValue("provider", filter.provider());
        }
        if (filter.status() != null) {
            sql.append(" AND status = :status");
            params.addValue("status", filter.status().name());
        }
        if (filter.flag() != null) {
            // flags are enum names joined by commas: match a whole name
            sql.append(" AND (',' || flags || ',') LIKE :flag");
            params.addValue("flag", "%," + filter.flag().name() + ",%");
        }
        if (filter.afterId() != null) {
            sql.append(" AND id < :after");
            params.addValue("after", filter.afterId());
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        return jdbc.query(sql.toString(), params, PAYMENT);
    }

    private Optional<Payment> one(String sql, MapSqlParameterSource params) {
        return jdbc.query(sql, params, PAYMENT).stream().findFirst();
    }

    private static final RowMapper<Payment> PAYMENT = (rs, n) -> new Payment(
            rs.getLong("id"),
            rs.getString("provider"),
            rs.getString("merchant_reference"),
            rs.getString("provider_reference"),
            PaymentStatus.valueOf(rs.getString("status")),
            rs.getBigDecimal("amount"),
            rs.getString("currency"),
            rs.getBigDecimal("fees"),
            rs.getString("payer"),
            rs.getString("operator"),
            rs.getString("status_reason"),
            flags(rs.getString("flags")),
            rs.getString("virtual_account"),
            rs.getString("customer_id"),
            Source.valueOf(rs.getString("origin")),
            instant(rs, "created_at"),
            instant(rs, "updated_at"),
            instant(rs, "finalized_at"),
            List.of());

    static String flags(Set<Flag> flags) {
        return flags.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    static Set<Flag> flags(String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        return EnumSet.copyOf(Arrays.stream(text.split(",")).map(Flag::valueOf).toList());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
