package io.paysync.provider.mypvit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.paysync.support.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The shared MyPVit secret on PostgreSQL, where the row lock across instances is proven. Runs when
 * {@code PAYSYNC_TEST_POSTGRES_URL} is set, in a schema of its own emptied first.
 */
@EnabledIfEnvironmentVariable(named = Postgres.URL_VARIABLE, matches = ".+")
class MypvitSharedSecretPostgresTests extends MypvitSharedSecretContract {

    private static final String SCHEMA = "paysync_secret";

    private static HikariDataSource database;

    @BeforeAll
    static void migrate() {
        database = migrated(Postgres.url(SCHEMA), Postgres.user(), SCHEMA);
    }

    @AfterAll
    static void close() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    DataSource database() {
        return database;
    }
}
