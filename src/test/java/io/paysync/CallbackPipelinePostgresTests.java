package io.paysync;

import io.paysync.support.Postgres;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The callback contract on PostgreSQL: the concurrency guarantees (row locks, ON CONFLICT) are
 * only proven here. Runs when {@code PAYSYNC_TEST_POSTGRES_URL} is set; CI always sets it.
 */
@EnabledIfEnvironmentVariable(named = Postgres.URL_VARIABLE, matches = ".+")
class CallbackPipelinePostgresTests extends CallbackPipelineContract {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        Postgres.properties("paysync_contract").forEach((key, value) -> registry.add(key, () -> value));
    }
}
