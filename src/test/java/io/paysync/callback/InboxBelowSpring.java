package io.paysync.callback;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.system.PaysyncProperties;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.util.unit.DataSize;

/** A {@link CallbackInbox} built by hand, with paysync's default pipeline settings (no inbox writer). */
final class InboxBelowSpring {

    private InboxBelowSpring() {
    }

    static CallbackInbox on(DataSource dataSource, Clock clock, PipelineQueue queue) {
        PaysyncProperties properties = new PaysyncProperties(new PaysyncProperties.Http(8080, "0.0.0.0", 20),
                new PaysyncProperties.Api(null), new PaysyncProperties.Callbacks(DataSize.ofKilobytes(64), List.of()),
                new PaysyncProperties.Pipeline(2, Duration.ofSeconds(10), 10, 50),
                new PaysyncProperties.Downstream("log:x", 12, Duration.ofSeconds(1), Duration.ofMinutes(5), 100),
                Map.of());
        return new CallbackInbox(new NamedParameterJdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                new ObjectMapper(), clock, properties, null, queue);
    }
}
