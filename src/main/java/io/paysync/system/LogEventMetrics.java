package io.paysync.system;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code logback.events} counters (tag {@code level}, as Spring Boot's Logback metrics name them),
 * counted by an appender on the root logger rather than by Micrometer's turbo filter.
 *
 * <p>A Logback turbo filter runs on every level check, {@code isTraceEnabled()} included, not only
 * on the events logged: Spring JDBC asks once per bound parameter, Camel several times per routing
 * step. In a flight recording of the settlement benchmark those checks were 3 % of paysync's samples
 * (5 % of the downstream senders'). An appender sees only the events that are logged: the same
 * counts, paid once per log line. Being a {@link LogbackMetrics}, this bean replaces Spring Boot's
 * (its auto-configuration backs off).
 *
 * <p>Logback detaches and stops every appender when its context is reset: a reset-resistant
 * listener attaches the appender again. Spring Boot configures logging before it creates the beans,
 * so in paysync's one application context the appender is attached after that. A second
 * application context in the same JVM (tests) stops Logback's context when it configures logging
 * again, which drops every listener: from then on only the newest context's counters count, as with
 * Micrometer's turbo filter, which a stop drops the same way.
 */
@Component
public class LogEventMetrics extends LogbackMetrics {

    private static final Level[] LEVELS = {Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE};

    private final LoggerContext loggerContext;
    private final CountingAppender appender = new CountingAppender();
    private final LoggerContextListener reattach = new Reattach();

    public LogEventMetrics() {
        this((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    LogEventMetrics(LoggerContext loggerContext) {
        super(Tags.empty(), loggerContext);
        this.loggerContext = loggerContext;
        appender.setName("paysync-log-event-metrics");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Map<Level, Counter> counters = new HashMap<>();
        for (Level level : LEVELS) {
            // Micrometer's meter, tags, unit and help text: dashboards and alerts on it keep working
            counters.put(level, Counter.builder("logback.events")
                    .tag("level", level.levelStr.toLowerCase(Locale.ROOT))
                    .description("Number of log events that were enabled by the effective log level")
                    .baseUnit("events")
                    .register(registry));
        }
        synchronized (appender) {
            appender.registries.add(Map.copyOf(counters));
            attach();
            if (!loggerContext.getCopyOfListenerList().contains(reattach)) {
                loggerContext.addListener(reattach);
            }
        }
    }

    @Override
    public void close() {
        synchronized (appender) {
            loggerContext.removeListener(reattach);
            root().detachAppender(appender);
            appender.stop();
        }
    }

    private void attach() {
        appender.setContext(loggerContext);
        appender.start();
        Logger root = root();
        if (!root.isAttached(appender)) {
            root.addAppender(appender);
        }
    }

    private Logger root() {
        return loggerContext.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Counts each event reaching the root logger by its level; writes nothing. */
    private static final class CountingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

        /** The counters of each registry this binder was bound to (usually one). */
        private final List<Map<Level, Counter>> registries = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            for (Map<Level, Counter> counters : registries) {
                Counter counter = counters.get(event.getLevel());
                if (counter != null) {
                    counter.increment();
                }
            }
        }
    }

    /** Attaches the appender again after every reset of the Logback context (which detaches all appenders). */
    private final class Reattach implements LoggerContextListener {

        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onStart(LoggerContext context) {
            // nothing: the appender is attached at bind time
        }

        @Override
        public void onReset(LoggerContext context) {
            synchronized (appender) {
                attach();
            }
        }

        @Override
        public void onStop(LoggerContext context) {
            // nothing: a stopped context logs nothing
        }

        @Override
        public void onLevelChange(Logger logger, Level level) {
            // counts follow the levels by themselves: only enabled events reach the appender
        }
    }
}
