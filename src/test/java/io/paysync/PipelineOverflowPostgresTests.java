package io.paysync;

import io.paysync.support.Postgres;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The pipeline's catch-up with a full queue on PostgreSQL. Runs when {@code PAYSYNC_TEST_POSTGRES_URL} is set; CI always sets it. */
@EnabledIfEnvironmentVariable(named = Postgres.URL_VARIABLE, matches = ".+")
class PipelineOverflowPostgresTests extends PipelineOverflowContract {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        Postgres.properties("paysync_overflow").forEach((key, value) -> registry.add(key, () -> value));
    }
}
