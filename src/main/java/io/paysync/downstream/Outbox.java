package io.paysync.downstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentJson;
import io.paysync.payment.PaymentUpdate;
import io.paysync.system.PaymentMdc;
import io.paysync.system.PaysyncProperties;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The downstream outbox (CONTRACT §4). A final outcome is written here in the transaction that
 * made the payment final; the {@code downstream} route claims due rows, sends each to
 * {@code paysync.downstream.uri} and records the result. A failed send is retried with
 * exponential backoff; after {@code paysync.downstream.max-attempts} the row is parked DEAD.
 *
 * <p>Metrics, counted once the outbox row is updated: {@code paysync.downstream.deliveries} (tags
 * {@code provider}, {@code outcome}: delivered, failed — to be retried — or dead) and the timer
 * {@code paysync.delivery.latency} (tag {@code provider}: from the callback or status answer that
 * settled the payment being received, {@code outbox.received_at}, to its delivery; retries and
 * replays included; rows written without a receive time count from their own creation).
 *
 * <p>Claims are leases ({@code lease_until}), taken by a conditional UPDATE: one sender per row
 * at a time, across threads and instances; a sender that dies loses its lease, and the row is
 * sent again with the same {@code eventId}.
 */
@Component("outbox")
public class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    /** The header carrying the event id downstream. */
    public static final String EVENT_ID_HEADER = "Paysync-Event-Id";
    static final String OUTBOX_ID = "paysyncOutboxId";
    static final String EVENT_ID = "paysyncEventId";
    static final String ATTEMPTS = "paysyncAttempts";
    static final String RECEIVED_AT = "paysyncOutboxReceivedAt";
    static final Duration LEASE = Duration.ofMinutes(2);

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final PaysyncProperties.Downstream settings;
    private final MeterRegistry registry;

    Outbox(NamedParameterJdbcTemplate jdbc, ObjectMapper json, Clock clock, PaysyncProperties properties,
            MeterRegistry registry) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.json = json;
        this.clock = clock;
        this.settings = properties.downstream();
    }

    /** One claimed row. */
    public record Event(long id, String eventId, String payload, int attempts, Instant receivedAt) {

        /** The provider, from the event id {@code <provider>:<merchantReference>:<status>}. */
        String provider() {
            return eventId.substring(0, eventId.indexOf(':'));
        }

        String merchantReference() {
            return eventId.substring(eventId.indexOf(':') + 1, eventId.lastIndexOf(':'));
        }
    }

    /** The {@code write-outbox} step: the payment in the body has just become final. */
    public void write(Exchange exchange) throws JsonProcessingException, InvalidPayloadException {
        Payment payment = exchange.getMessage().getMandatoryBody(Payment.class);
        OffsetDateTime now = utc(clock.instant());
        Instant receivedAt = exchange.getProperty(PaymentUpdate.RECEIVED_AT, Instant.class);
        int written = jdbc.update("""
                INSERT INTO outbox (event_id, payment_id, payload, status, attempts, next_attempt_at, created_at,
                    received_at)
                VALUES (:eventId, :paymentId, :payload, 'PENDING', 0, :now, :now, :receivedAt)
                ON CONFLICT DO NOTHING""",
                new MapSqlParameterSource("eventId", payment.eventId())
                        .addValue("paymentId", payment.id())
                        .addValue("payload", json.writeValueAsString(PaymentJson.event(payment)))
                        .addValue("now", now)
                        .addValue("receivedAt", receivedAt == null ? now : utc(receivedAt)));
        if (written == 0) {
            log.warn("Outbox already holds event {}; not written twice", payment.eventId());
        }
    }

    /** Claims up to {@code paysync.downstream.batch-size} due events. */
    public List<Event> claimDue() {
        Instant now = clock.instant();
        MapSqlParameterSource params = new MapSqlParameterSource("now", utc(now))
                .addValue("limit", settings.batchSize())
                .addValue("leaseUntil", utc(now.plus(LEASE)));
        List<Event> candidates = jdbc.query("""
                SELECT id, event_id, payload, attempts, COALESCE(received_at, created_at) AS received_at FROM outbox
                WHERE status = 'PENDING' AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)
                ORDER BY id LIMIT :limit""", params,
                (rs, n) -> new Event(rs.getLong("id"), rs.getString("event_id"), rs.getString("payload"),
                        rs.getInt("attempts"), rs.getObject("received_at", OffsetDateTime.class).toInstant()));
        List<Event> claimed = new ArrayList<>(candidates.size());
        for (Event event : candidates) {
            int taken = jdbc.update("""
                    UPDATE outbox SET lease_until = :leaseUntil
                    WHERE id = :id AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < :now)""",
                    new MapSqlParameterSource(params.getValues()).addValue("id", event.id()));
            if (taken == 1) {
                claimed.add(event);
            }
        }
        return claimed;
    }

    /** Turns a claimed event into the downstream message: JSON body, event id header, POST for HTTP. */
    public void prepare(Exchange exchange) throws InvalidPayloadException {
        Event event = exchange.getMessage().getMandatoryBody(Event.class);
        exchange.setProperty(OUTBOX_ID, event.id());
        exchange.setProperty(EVENT_ID, event.eventId());
        exchange.setProperty(ATTEMPTS, event.attempts());
        exchange.setProperty(RECEIVED_AT, event.receivedAt());
        PaymentMdc.name(exchange, event.provider(), event.merchantReference());
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(EVENT_ID_HEADER, event.eventId());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setBody(event.payload());
    }

    public void delivered(Exchange exchange) {
        long id = exchange.getProperty(OUTBOX_ID, Long.class);
        Instant now = clock.instant();
        jdbc.update("""
                UPDATE outbox SET status = 'DELIVERED', delivered_at = :now, attempts = attempts + 1,
                    lease_until = NULL, last_error = NULL
                WHERE id = :id""",
                new MapSqlParameterSource("id", id).addValue("now", utc(now)));
        String provider = exchange.getProperty(PaymentMdc.PROVIDER, String.class);
        count(provider, "delivered");
        Timer.builder("paysync.delivery.latency")
                .description("From the callback or status answer that settled the payment to its downstream delivery")
                .tag("provider", provider)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry)
                .record(Duration.between(exchange.getProperty(RECEIVED_AT, Instant.class), now));
    }

    private void count(String provider, String outcome) {
        Counter.builder("paysync.downstream.deliveries")
                .description("Downstream delivery attempts, by provider and outcome (delivered, failed, dead)")
                .tag("provider", provider)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void failed(Exchange exchange) {
        long id = exchange.getProperty(OUTBOX_ID, Long.class);
        String eventId = exchange.getProperty(EVENT_ID, String.class);
        int attempts = exchange.getProperty(ATTEMPTS, Integer.class) + 1;
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        boolean dead = attempts >= settings.maxAttempts();
        Instant now = clock.instant();
        jdbc.update("""
                UPDATE outbox SET status = :status, attempts = :attempts, next_attempt_at = :next,
                    lease_until = NULL, last_error = :error
                WHERE id = :id""",
                new MapSqlParameterSource("id", id)
                        .addValue("status", dead ? "DEAD" : "PENDING")
                        .addValue("attempts", attempts)
                        .addValue("next", utc(now.plus(backoff(attempts))))
                        .addValue("error", truncate(String.valueOf(cause), 1000)));
        count(exchange.getProperty(PaymentMdc.PROVIDER, String.class), dead ? "dead" : "failed");
        if (dead) {
            log.error("Downstream delivery of {} failed {} times; parked as a dead letter: {}", eventId, attempts,
                    String.valueOf(cause));
        } else {
            log.warn("Downstream delivery of {} failed (attempt {} of {}), next in {}: {}", eventId, attempts,
                    settings.maxAttempts(), backoff(attempts), String.valueOf(cause));
        }
    }

    /** An outbox row as the dead-letter API shows it; {@code payload} is the event JSON as stored. */
    public record Letter(long id, String eventId, String status, int attempts, String lastError, Instant createdAt,
            String payload) {

        Letter replayed() {
            return new Letter(id, eventId, "PENDING", 0, lastError, createdAt, payload);
        }
    }

    private static final String LETTER_COLUMNS = "id, event_id, status, attempts, last_error, created_at, payload";

    private static final RowMapper<Letter> LETTER = (rs, n) -> new Letter(rs.getLong("id"), rs.getString("event_id"),
            rs.getString("status"), rs.getInt("attempts"), rs.getString("last_error"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("payload"));

    /** A page of dead letters, newest first (keyset paging on the id). */
    public List<Letter> dead(Long afterId, int limit) {
        MapSqlParameterSource params = new MapSqlParameterSource("limit", limit);
        String after = "";
        if (afterId != null) {
            after = " AND id < :after";
            params.addValue("after", afterId);
        }
        return jdbc.query("SELECT " + LETTER_COLUMNS + " FROM outbox WHERE status = 'DEAD'" + after
                + " ORDER BY id DESC LIMIT :limit", params, LETTER);
    }

    public Optional<Letter> find(long id) {
        return jdbc.query("SELECT " + LETTER_COLUMNS + " FROM outbox WHERE id = :id",
                new MapSqlParameterSource("id", id), LETTER).stream().findFirst();
    }

    /** The number of dead letters now (the {@code paysync.downstream.dead.letters} gauge). */
    public long deadCount() {
        Long count = jdbc.getJdbcOperations().queryForObject("SELECT COUNT(*) FROM outbox WHERE status = 'DEAD'",
                Long.class);
        return count == null ? 0 : count;
    }

    /** Events waiting for delivery now (the {@code paysync.downstream.backlog} gauge). */
    public long backlog() {
        Long count = jdbc.getJdbcOperations().queryForObject("SELECT COUNT(*) FROM outbox WHERE status = 'PENDING'",
                Long.class);
        return count == null ? 0 : count;
    }

    /**
     * Puts one dead letter back for delivery: PENDING, no attempts, due now, no lease; the event
     * id stays, so consumers can de-duplicate. False when the row is not (or no longer) DEAD.
     */
    public boolean replay(long id) {
        return jdbc.update("""
                UPDATE outbox SET status = 'PENDING', attempts = 0, next_attempt_at = :now, lease_until = NULL
                WHERE id = :id AND status = 'DEAD'""",
                new MapSqlParameterSource("id", id).addValue("now", utc(clock.instant()))) == 1;
    }

    /** Puts up to {@code limit} dead letters, oldest first, back for delivery; how many. */
    public int replayDead(int limit) {
        return jdbc.update("""
                UPDATE outbox SET status = 'PENDING', attempts = 0, next_attempt_at = :now, lease_until = NULL
                WHERE status = 'DEAD' AND id IN (SELECT id FROM outbox WHERE status = 'DEAD' ORDER BY id LIMIT :limit)""",
                new MapSqlParameterSource("limit", limit).addValue("now", utc(clock.instant())));
    }

    /** initial-backoff × 2^(attempts−1), at most max-backoff. */
    Duration backoff(int attempts) {
        Duration delay = settings.initialBackoff();
        for (int i = 1; i < attempts && delay.compareTo(settings.maxBackoff()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : delay;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
