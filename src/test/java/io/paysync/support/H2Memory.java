package io.paysync.support;

import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A fresh in-memory H2 database with paysync's migrations (H2's own included), in the mode paysync runs H2 in
 * (see {@code paysync-test.properties}), for tests that work below Spring.
 */
public final class H2Memory {

    private H2Memory() {
    }

    /** A new database named {@code name} plus a random suffix, migrated; it lives until the JVM ends. */
    public static SimpleDriverDataSource migrated(String name) {
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:" + name + "-" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration", "classpath:db/vendor/h2")
                .load().migrate();
        return dataSource;
    }
}
