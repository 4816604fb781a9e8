package io.paysync.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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
    /** The names of the threads whose connection attempts were refused, one entry per attempt. */
    private final Queue<String> refused = new ConcurrentLinkedQueue<>();

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

    /** Connection attempts refused so far on threads whose name contains {@code threadName}. */
    public long refusedOn(String threadName) {
        return refused.stream().filter(name -> name.contains(threadName)).count();
    }

    private void check() throws SQLException {
        if (down.get()) {
            refused.add(Thread.currentThread().getName());
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
