package io.paysync.downstream;

import javax.sql.DataSource;

import io.paysync.support.Postgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The downstream claim on PostgreSQL. Runs when {@code PAYSYNC_TEST_POSTGRES_URL} is set; CI always sets it. */
@EnabledIfEnvironmentVariable(named = Postgres.URL_VARIABLE, matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxClaimPostgresTests extends OutboxClaimContract {

    private static final String SCHEMA = "paysync_outbox_claim";
    private DataSource database;

    @Override
    DataSource database() {
        if (database == null) {
            database = new DriverManagerDataSource(Postgres.url(SCHEMA), Postgres.user(), Postgres.password());
            Flyway flyway = Flyway.configure().dataSource(database).schemas(SCHEMA).cleanDisabled(false)
                    .locations("classpath:db/migration", "classpath:db/vendor/postgresql").load();
            flyway.clean();
            flyway.migrate();
        }
        return database;
    }
}
