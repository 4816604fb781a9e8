package io.paysync.payment;

import java.time.Clock;
import java.time.ZoneOffset;

import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * A Camel idempotent repository on the {@code idempotent_key} table. {@link #add} is one
 * {@code INSERT … ON CONFLICT DO NOTHING}: atomic under concurrency on PostgreSQL (Camel's
 * JdbcMessageIdRepository checks, then inserts, and fails on the race), never an error for a
 * duplicate, and joins the caller's transaction so that the key commits with the work it guards.
 */
@ManagedResource(description = "Database-backed idempotent repository")
public class JdbcIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private final NamedParameterJdbcTemplate jdbc;
    private final String name;
    private final Clock clock;

    public JdbcIdempotentRepository(NamedParameterJdbcTemplate jdbc, String name, Clock clock) {
        this.jdbc = jdbc;
        this.name = name;
        this.clock = clock;
    }

    @ManagedAttribute(description = "The repository name (idempotent_key.repository)")
    public String getName() {
        return name;
    }

    @ManagedAttribute(description = "Number of keys held")
    public long getSize() {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM idempotent_key WHERE repository = :repository",
                params(), Long.class);
        return count == null ? 0 : count;
    }

    @Override
    public boolean add(String key) {
        return jdbc.update("""
                INSERT INTO idempotent_key (repository, message_id, created_at) VALUES (:repository, :key, :now)
                ON CONFLICT DO NOTHING""",
                params().addValue("key", key).addValue("now", clock.instant().atOffset(ZoneOffset.UTC))) == 1;
    }

    @Override
    @ManagedOperation(description = "Whether the key is held")
    public boolean contains(String key) {
        Long count = jdbc.queryForObject(
                "SELECT COUNT(*) FROM idempotent_key WHERE repository = :repository AND message_id = :key",
                params().addValue("key", key), Long.class);
        return count != null && count > 0;
    }

    @Override
    public boolean remove(String key) {
        return jdbc.update("DELETE FROM idempotent_key WHERE repository = :repository AND message_id = :key",
                params().addValue("key", key)) == 1;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        jdbc.update("DELETE FROM idempotent_key WHERE repository = :repository", params());
    }

    private MapSqlParameterSource params() {
        return new MapSqlParameterSource("repository", name);
    }
}
