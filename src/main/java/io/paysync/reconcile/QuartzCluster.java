package io.paysync.reconcile;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.impl.jdbcjobstore.StdJDBCDelegate;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Quartz (the {@code quartz:} component of the {@code reconcile} route) keeps its triggers in
 * paysync's own database with JDBC clustering: however many instances share the database, each
 * fire time of a trigger runs on one of them, and an instance that dies hands its triggers to the
 * others after {@link #CHECKIN_INTERVAL_MS} or so. Its tables come from the Flyway migration
 * {@code V6__quartz_cluster.sql}; its connections from paysync's DataSource (HikariCP).
 *
 * <p>The scheduler's name is {@code paysync-<camel.main.name>} (camel-quartz appends the Camel
 * context's name): instances with the same {@code camel.main.name} on one database form one
 * cluster.
 */
@Configuration(proxyBeanMethods = false)
class QuartzCluster {

    static final long CHECKIN_INTERVAL_MS = 5_000;

    @Bean("quartz")
    QuartzComponent quartz(DataSource dataSource) throws SQLException {
        // Quartz finds connections by name in a JVM-wide registry: one name per application context
        String name = "paysync-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(name, new SpringConnections(dataSource));
        QuartzComponent quartz = new QuartzComponent();
        quartz.setProperties(Map.ofEntries(
                Map.entry("org.quartz.scheduler.instanceName", "paysync"),
                Map.entry("org.quartz.scheduler.instanceId", "AUTO"),
                Map.entry("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool"),
                Map.entry("org.quartz.threadPool.threadCount", "2"),
                Map.entry("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX"),
                Map.entry("org.quartz.jobStore.driverDelegateClass", delegate(dataSource).getName()),
                Map.entry("org.quartz.jobStore.dataSource", name),
                Map.entry("org.quartz.jobStore.tablePrefix", "qrtz_"),
                Map.entry("org.quartz.jobStore.isClustered", "true"),
                Map.entry("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(CHECKIN_INTERVAL_MS)),
                // a fire more than 2 s late (the instance holding the trigger died, a run took longer
                // than the period) is a misfire: run once now, not once per missed fire time
                Map.entry("org.quartz.jobStore.misfireThreshold", "2000")));
        return quartz;
    }

    private static Class<?> delegate(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            // PostgreSQL's bytea needs its own delegate; H2 (PostgreSQL mode) takes the standard one
            return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())
                    ? PostgreSQLDelegate.class : StdJDBCDelegate.class;
        }
    }

    /** paysync's pool as a Quartz connection provider; the pool's life is Spring's, not Quartz's. */
    private record SpringConnections(DataSource dataSource) implements ConnectionProvider {

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}
