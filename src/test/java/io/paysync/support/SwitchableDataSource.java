package io.paysync.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Wraps the application's DataSource so that a test can make the database unreachable, as a
 * stopped server would be: every new connection attempt fails.
 */
public class SwitchableDataSource extends DelegatingDataSource {

    private final AtomicBoolean down = new AtomicBoolean();

    SwitchableDataSource(DataSource target) {
        super(target);
    }

    public void down() {
        down.set(true);
    }

    public void up() {
        down.set(false);
    }

    @Override
    public Connection getConnection() throws SQLException {
        check();
        return super.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        check();
        return super.getConnection(username, password);
    }

    private void check() throws SQLException {
        if (down.get()) {
            throw new SQLTransientConnectionException("database unreachable (test)");
        }
    }

    /** Installs the wrapper around the application's DataSource. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {

        @Bean
        static BeanPostProcessor switchableDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    return bean instanceof DataSource ds && !(bean instanceof SwitchableDataSource)
                            && "dataSource".equals(beanName) ? new SwitchableDataSource(ds) : bean;
                }
            };
        }
    }
}
