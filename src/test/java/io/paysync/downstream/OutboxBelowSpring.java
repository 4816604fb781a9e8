package io.paysync.downstream;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paysync.system.PaysyncProperties;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.util.unit.DataSize;

/** An {@link Outbox} built by hand with the downstream settings a test needs (no targets or JSON; metrics in a registry of its own). */
final class OutboxBelowSpring {

    private OutboxBelowSpring() {
    }

    /** @param dataSource null for tests that never reach the database */
    static Outbox on(DataSource dataSource, Clock clock, Duration initialBackoff, Duration maxBackoff, int batchSize) {
        PaysyncProperties properties = new PaysyncProperties(
                new PaysyncProperties.Http(8080, "0.0.0.0", 20),
                new PaysyncProperties.Api(null),
                new PaysyncProperties.Callbacks(DataSize.ofKilobytes(64), List.of()),
                new PaysyncProperties.Pipeline(2, Duration.ofSeconds(10), 10, 50),
                new PaysyncProperties.Downstream("log:x", 12, initialBackoff, maxBackoff, batchSize),
                Map.of());
        return new Outbox(dataSource == null ? null : new NamedParameterJdbcTemplate(dataSource), null, clock,
                properties, null, new SimpleMeterRegistry(), null);
    }
}
