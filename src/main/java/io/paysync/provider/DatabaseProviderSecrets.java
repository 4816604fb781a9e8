package io.paysync.provider;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Predicate;

import org.springframework.dao.support.DataAccessUtils;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link ProviderSecrets} in the {@code provider_secret} table, shared by every instance on the
 * database, so that the cluster renews a secret once instead of each instance revoking the others'.
 *
 * <p>A renewal runs in one transaction that holds the provider's row ({@code SELECT … FOR UPDATE}):
 * it first checks whether another instance renewed while this one waited, and if not calls the
 * provider and stores the new secret before committing. Nothing else runs under that lock, so it is
 * held at most as long as the renewal call, which the client bounds with its timeout. The row is
 * created beforehand on its own ({@code INSERT … ON CONFLICT DO NOTHING}), so the lock always has a
 * committed row to wait on.
 *
 * <p>The secrets are stored in clear: they are short-lived (MyPVit's last about an hour) and only as
 * valuable as the database access that reads them; the provider password they come from is not
 * stored. They are never logged.
 */
@Repository
public class DatabaseProviderSecrets implements ProviderSecrets {

    /** The row's secret, or null while it has none (the row exists before the first renewal). */
    private static final RowMapper<Secret> SECRET = (rs, n) -> {
        String value = rs.getString("secret");
        OffsetDateTime expiresAt = rs.getObject("expires_at", OffsetDateTime.class);
        return value == null || expiresAt == null ? null : new Secret(value, expiresAt.toInstant());
    };

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public DatabaseProviderSecrets(NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactions,
            Clock clock) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    @Override
    public Secret stored(String provider) {
        return DataAccessUtils.singleResult(jdbc.query("SELECT secret, expires_at FROM provider_secret"
                + " WHERE provider = :provider", new MapSqlParameterSource("provider", provider), SECRET));
    }

    @Override
    public <X extends Exception> Secret renewUnless(String provider, Predicate<Secret> keep, Renewal<X> renewal)
            throws X {
        MapSqlParameterSource row = new MapSqlParameterSource("provider", provider);
        jdbc.update("INSERT INTO provider_secret (provider) VALUES (:provider) ON CONFLICT DO NOTHING", row);
        try {
            return transaction.execute(status -> {
                Secret current = DataAccessUtils.singleResult(jdbc.query("SELECT secret, expires_at"
                        + " FROM provider_secret WHERE provider = :provider FOR UPDATE", row, SECRET));
                if (current != null && keep.test(current)) {
                    return current;
                }
                Secret renewed = renewed(renewal);
                jdbc.update("""
                        UPDATE provider_secret SET secret = :secret, expires_at = :expires, renewed_at = :renewed
                        WHERE provider = :provider""",
                        new MapSqlParameterSource(row.getValues())
                                .addValue("secret", renewed.value())
                                .addValue("expires", utc(renewed.expiresAt()))
                                .addValue("renewed", utc(clock.instant())));
                return renewed;
            });
        } catch (RenewalFailed e) {
            @SuppressWarnings("unchecked")
            X cause = (X) e.getCause();
            throw cause;
        }
    }

    /** Calls the renewal; its checked failure crosses the transaction callback wrapped, and rolls it back. */
    private static Secret renewed(Renewal<?> renewal) {
        try {
            return renewal.renew();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new RenewalFailed(e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static final class RenewalFailed extends RuntimeException {

        RenewalFailed(Exception cause) {
            super(cause);
        }
    }
}
