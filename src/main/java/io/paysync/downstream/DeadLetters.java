package io.paysync.downstream;

import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Dead letters of the outbox (CONTRACT §4, §6): events whose delivery failed
 * {@code paysync.downstream.max-attempts} times, listed and replayed by an operator. A replay
 * puts the row back to PENDING with the same event id; the {@code downstream} route sends it.
 *
 * <p>Metrics: {@code paysync.downstream.dead.letters} and
 * {@code paysync.downstream.backlog} (gauges, counted in the database when scraped, so every
 * instance reports the cluster's number) and {@code paysync.downstream.replays}
 * (dead letters put back, tag {@code mode}: single or bulk).
 */
@Component
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final Outbox outbox;
    private final Counter singleReplays;
    private final Counter bulkReplays;

    DeadLetters(Outbox outbox, MeterRegistry registry) {
        this.outbox = outbox;
        Gauge.builder("paysync.downstream.dead.letters", outbox, Outbox::deadCount)
                .description("Downstream events parked as dead letters (outbox rows DEAD)")
                .register(registry);
        Gauge.builder("paysync.downstream.backlog", outbox, Outbox::backlog)
                .description("Downstream events waiting for delivery (outbox rows PENDING: new or being retried)")
                .register(registry);
        this.singleReplays = replays(registry, "single");
        this.bulkReplays = replays(registry, "bulk");
    }

    private static Counter replays(MeterRegistry registry, String mode) {
        return Counter.builder("paysync.downstream.replays")
                .description("Dead letters put back for delivery, by replay mode")
                .tag("mode", mode)
                .register(registry);
    }

    /** The dead letter is no longer (or never was) DEAD: delivered, or waiting for delivery. */
    public static class NotDeadException extends RuntimeException {
        NotDeadException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** Newest first, ids below {@code afterId} when given. */
    public List<Outbox.Letter> list(Long afterId, int limit) {
        return outbox.dead(afterId, limit);
    }

    /** The row as replayed; empty when there is no such row; NotDeadException when it is not DEAD. */
    public Optional<Outbox.Letter> replay(long id) {
        Optional<Outbox.Letter> letter = outbox.find(id);
        if (letter.isEmpty()) {
            return letter;
        }
        if (!outbox.replay(id)) {
            String status = outbox.find(id).map(Outbox.Letter::status).orElse("gone");
            throw new NotDeadException("outbox event " + id + " is not a dead letter (status " + status + ")");
        }
        singleReplays.increment();
        log.info("Dead letter {} ({}) replayed", id, letter.get().eventId());
        return Optional.of(letter.get().replayed());
    }

    /** Replays up to {@code limit} dead letters, oldest first; how many. */
    public int replayAll(int limit) {
        int replayed = outbox.replayDead(limit);
        bulkReplays.increment(replayed);
        log.info("{} dead letters replayed (bulk, limit {})", replayed, limit);
        return replayed;
    }
}
