package io.paysync.system;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.PreparedStatementCreatorFactory;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

/**
 * An UPDATE or INSERT that hands back columns of the row it wrote, in the same round trip: through
 * JDBC's generated keys with named columns, which the PostgreSQL driver sends as {@code RETURNING}
 * and H2 answers natively. Saves the SELECT that would otherwise follow a hot write.
 */
public final class Returning {

    /** As many statements as NamedParameterJdbcTemplate's own cache keeps; paysync has a dozen. */
    private static final int PARSED_LIMIT = 256;
    private static final Map<String, ParsedSql> PARSED = new ConcurrentHashMap<>();

    private Returning() {
    }

    /**
     * Runs the statement; the first written row's {@code columns}, mapped, or empty when it wrote none.
     */
    public static <T> Optional<T> one(NamedParameterJdbcTemplate jdbc, String sql, SqlParameterSource params,
            String[] columns, RowMapper<T> mapper) {
        return Optional.ofNullable(run(jdbc, sql, params, columns, row -> row.next() ? mapper.mapRow(row, 0) : null));
    }

    /** Runs the statement; every written row's {@code columns}, mapped, in the order the database returns them. */
    public static <T> List<T> all(NamedParameterJdbcTemplate jdbc, String sql, SqlParameterSource params,
            String[] columns, RowMapper<T> mapper) {
        return run(jdbc, sql, params, columns, rows -> {
            List<T> written = new ArrayList<>();
            while (rows.next()) {
                written.add(mapper.mapRow(rows, written.size()));
            }
            return written;
        });
    }

    private static <T> T run(NamedParameterJdbcTemplate jdbc, String sql, SqlParameterSource params,
            String[] columns, ResultSetExtractor<T> extractor) {
        // parsed once per statement (NamedParameterJdbcTemplate caches its own the same way; this call
        // bypasses it), then substituted with the parameters: a collection parameter (IN (:ids))
        // expands to one marker per element
        ParsedSql parsed = parsed(sql);
        PreparedStatementCreatorFactory statement = new PreparedStatementCreatorFactory(
                NamedParameterUtils.substituteNamedParameters(parsed, params),
                NamedParameterUtils.buildSqlParameterList(parsed, params));
        statement.setGeneratedKeysColumnNames(columns);
        Object[] values = NamedParameterUtils.buildValueArray(parsed, params, null);
        return jdbc.getJdbcOperations().execute(statement.newPreparedStatementCreator(values), written -> {
            written.executeUpdate();
            try (ResultSet rows = written.getGeneratedKeys()) {
                return extractor.extractData(rows);
            }
        });
    }

    /** The statement's parsed form, kept for the next call (hot statements are parsed once, not per row). */
    private static ParsedSql parsed(String sql) {
        ParsedSql parsed = PARSED.get(sql);
        if (parsed == null) {
            parsed = NamedParameterUtils.parseSqlStatement(sql);
            if (PARSED.size() < PARSED_LIMIT) {
                PARSED.putIfAbsent(sql, parsed);
            }
        }
        return parsed;
    }
}
