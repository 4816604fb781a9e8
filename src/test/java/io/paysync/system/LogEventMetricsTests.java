package io.paysync.system;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code logback.events} counters, on a Logback context of the test's own: each logged event
 * counted once under its level, disabled levels not at all, no turbo filter (the level checks stay
 * free), counting through a reset of the context, and nothing after close.
 */
class LogEventMetricsTests {

    private final LoggerContext context = new LoggerContext();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final LogEventMetrics metrics = new LogEventMetrics(context);
    private final Logger logger = context.getLogger("io.paysync.test");

    @BeforeEach
    void bind() {
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        metrics.bindTo(registry);
    }

    @AfterEach
    void close() {
        metrics.close();
        context.stop();
    }

    double count(String level) {
        return registry.get("logback.events").tag("level", level).counter().count();
    }

    @Test
    void countsEachLoggedEventUnderItsLevel() {
        logger.warn("first");
        logger.warn("second {}", 2);
        logger.info("third");
        logger.error("fourth", new IllegalStateException("boom"));

        assertThat(count("warn")).isEqualTo(2);
        assertThat(count("info")).isEqualTo(1);
        assertThat(count("error")).isEqualTo(1);
        assertThat(count("debug")).isZero();
        assertThat(count("trace")).isZero();
    }

    @Test
    void eventsBelowTheEffectiveLevelAreNotCounted() {
        logger.debug("not logged");
        logger.trace("not logged either");
        context.getLogger("io.paysync.test.chatty").setLevel(Level.DEBUG);
        context.getLogger("io.paysync.test.chatty").debug("logged");

        assertThat(count("debug")).isEqualTo(1);
        assertThat(count("trace")).isZero();
    }

    @Test
    void levelChecksPassNoTurboFilter() {
        assertThat(context.getTurboFilterList()).isEmpty();
    }

    @Test
    void keepsCountingAfterTheContextIsReset() {
        logger.warn("before");
        context.reset();
        logger.warn("after");

        assertThat(count("warn")).isEqualTo(2);
    }

    @Test
    void countsNothingOnceClosed() {
        logger.warn("counted");
        metrics.close();
        logger.warn("not counted");
        context.reset();
        logger.warn("not counted after a reset either");

        assertThat(count("warn")).isEqualTo(1);
    }

    @Test
    void countsIntoEveryRegistryItIsBoundTo() {
        MeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(second);
        logger.error("once");

        assertThat(count("error")).isEqualTo(1);
        assertThat(second.get("logback.events").tag("level", "error").counter().count()).isEqualTo(1);
    }
}
