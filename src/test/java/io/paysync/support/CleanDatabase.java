package io.paysync.support;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** With {@code paysync.test.clean-database=true}: empty the test schema before migrating. */
@TestConfiguration(proxyBeanMethods = false)
public class CleanDatabase {

    @Bean
    @ConditionalOnProperty("paysync.test.clean-database")
    FlywayMigrationStrategy cleanThenMigrate() {
        return flyway -> {
            flyway.clean();
            flyway.migrate();
        };
    }
}
