package io.paysync.provider.mypvit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared MyPVit secret on H2 in PostgreSQL mode, as paysync runs by default. */
class MypvitSharedSecretH2Tests extends MypvitSharedSecretContract {

    private static HikariDataSource database;

    @BeforeAll
    static void migrate() {
        database = migrated("jdbc:h2:mem:mypvit-shared-secret;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", null);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Override
    DataSource database() {
        return database;
    }
}
