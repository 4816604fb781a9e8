package io.paysync.downstream;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.paysync.payment.Payment;
import io.paysync.payment.PaymentJson;
import io.paysync.payment.PaymentUpdate;
import io.paysync.system.Draining;
import io.paysync.system.InsertsAtCommit;
import io.paysync.system.PaymentMdc;
import io.paysync.system.PaysyncProperties;
import io.paysync.system.Returning;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
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
    /** The lease this sender holds on the row: what it records is fenced on it (see {@link #failed}). */
    static final String LEASE_UNTIL = "paysyncOutboxLeaseUntil";
    static final String TARGET = "paysyncTarget";
    /** The endpoint URI of the claimed row's target, read by the {@code send-downstream} step. */
    static final String TARGET_URI = "paysyncTargetUri";
    /** Artemis duplicate detection: the broker drops a second message with the same value on an address. */
    static final String ARTEMIS_DUPLICATE_ID = "_AMQ_DUPL_ID";
    /** Exchange property of the {@code downstream} route: the last claim was a full batch, more may be due. */
    static final String MORE = "paysyncOutboxMore";
    static final Duration LEASE = Duration.ofMinutes(2);

    private final NamedParameterJdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final PaysyncProperties.Downstream settings;
    private final DownstreamTargets targets;
    private final MeterRegistry registry;
    private final InsertsAtCommit atCommit;

    Outbox(NamedParameterJdbcTemplate jdbc, ObjectMapper json, Clock clock, PaysyncProperties properties,
            DownstreamTargets targets, MeterRegistry registry, InsertsAtCommit atCommit) {
        this.jdbc = jdbc;
        this.atCommit = atCommit;
        this.targets = targets;
        this.registry = registry;
        this.json = json;
        this.clock = clock;
        this.settings = properties.downstream();
    }

    /** One claimed row: the event for one target, and the lease its sender holds on it. */
    public record Event(long id, String eventId, String target, String payload, int attempts, Instant receivedAt,
            OffsetDateTime leaseUntil) {

        /** The provider, from the event id {@code <provider>:<merchantReference>:<status>}. */
        String provider() {
            return eventId.substring(0, eventId.indexOf(':'));
        }

        String merchantReference() {
            return eventId.substring(eventId.indexOf(':') + 1, eventId.lastIndexOf(':'));
        }
    }

    /**
     * The {@code write-outbox} step: the payment in the body has just become final. One row per
     * target that takes it (its filters); none when no target does.
     */
    public void write(Exchange exchange) throws JsonProcessingException, InvalidPayloadException {
        Payment payment = exchange.getMessage().getMandatoryBody(Payment.class);
        List<DownstreamTargets.Target> taking = targets.taking(payment);
        if (taking.isEmpty()) {
            log.info("No downstream target takes {} (paysync.downstream.targets filters); no event written",
                    payment.eventId());
            return;
        }
        OffsetDateTime now = utc(clock.instant());
        Instant receivedAt = exchange.getProperty(PaymentUpdate.RECEIVED_AT, Instant.class);
        MapSqlParameterSource row = new MapSqlParameterSource("eventId", payment.eventId())
                .addValue("paymentId", payment.id())
                .addValue("payload", json.writeValueAsString(PaymentJson.event(payment)))
                .addValue("now", now)
                .addValue("receivedAt", receivedAt == null ? now : utc(receivedAt));
        for (DownstreamTargets.Target target : taking) {
            // sent with the batch's other outbox rows when the pipeline's transaction commits
            atCommit.add(INSERT_EVENT, new MapSqlParameterSource(row.getValues()).addValue("target", target.name()),
                    written -> {
                        if (written == 0) {
                            PaymentMdc.with(payment.provider(), payment.merchantReference(), () -> log.warn(
                                    "Outbox already holds event {} for target {}; not written twice",
                                    payment.eventId(), target.name()));
                        }
                    });
        }
    }

    private static final String INSERT_EVENT = """
            INSERT INTO outbox (event_id, target, payment_id, payload, status, attempts, next_attempt_at,
                created_at, received_at)
            VALUES (:eventId, :target, :paymentId, :payload, 'PENDING', 0, :now, :now, :receivedAt)
            ON CONFLICT DO NOTHING""";

    /**
     * The {@code claim-outbox} step: claims up to {@code paysync.downstream.batch-size} due events and
     * tells the route, in {@value #MORE}, whether the batch was full (then it claims again at once
     * rather than waiting for the next poll).
     */
    public List<Event> claimDue(Exchange exchange) {
        List<Event> claimed = claimDue();
        exchange.setProperty(MORE, Draining.more(exchange, claimed.size() >= settings.batchSize()));
        return claimed;
    }

    /**
     * Claims up to {@code paysync.downstream.batch-size} due events: a lease on each, taken by one
     * conditional UPDATE for the whole batch (one sender per row across threads and instances),
     * which hands back the rows it leased in the same round trip; a candidate another sender leased
     * first is left out.
     */
    List<Event> claimDue() {
        Instant now = clock.instant();
        // to the microsecond, as the databases store it: the lease is compared when the sender records
        OffsetDateTime leaseUntil = utc(now.plus(LEASE).truncatedTo(ChronoUnit.MICROS));
        MapSqlParameterSource params = new MapSqlParameterSource("now", utc(now))
                .addValue("limit", settings.batchSize())
                .addValue("leaseUntil", leaseUntil);
        List<Event> candidates = jdbc.query("""
                SELECT id, event_id, target, payload, attempts, COALESCE(received_at, created_at) AS received_at
                FROM outbox
                WHERE status = 'PENDING' AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now)
                ORDER BY id LIMIT :limit""", params,
                (rs, n) -> new Event(rs.getLong("id"), rs.getString("event_id"), rs.getString("target"),
                        rs.getString("payload"),
                        rs.getInt("attempts"), rs.getObject("received_at", OffsetDateTime.class).toInstant(),
                        leaseUntil));
        if (candidates.isEmpty()) {
            return List.of();
        }
        Set<Long> leased = new HashSet<>(Returning.all(jdbc, """
                UPDATE outbox SET lease_until = :leaseUntil
                WHERE id IN (:ids) AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < :now)""",
                params.addValue("ids", candidates.stream().map(Event::id).toList()),
                new String[] {"id"}, (rs, n) -> rs.getLong("id")));
        return candidates.stream().filter(event -> leased.contains(event.id())).toList();
    }

    /** Turns a claimed event into the downstream message: JSON body, event id header, POST for HTTP. */
    public void prepare(Exchange exchange) throws InvalidPayloadException {
        Event event = exchange.getMessage().getMandatoryBody(Event.class);
        exchange.setProperty(OUTBOX_ID, event.id());
        exchange.setProperty(EVENT_ID, event.eventId());
        exchange.setProperty(TARGET, event.target());
        exchange.setProperty(ATTEMPTS, event.attempts());
        exchange.setProperty(RECEIVED_AT, event.receivedAt());
        exchange.setProperty(LEASE_UNTIL, event.leaseUntil());
        PaymentMdc.name(exchange, event.provider(), event.merchantReference());
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(EVENT_ID_HEADER, event.eventId());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setBody(event.payload());
    }

    /**
     * The {@code address-target} step: the endpoint URI of the row's target, for
     * {@code send-downstream}. JMS and AMQP messages also carry the event id as JMSCorrelationID
     * (AMQP correlation-id) and as Artemis' duplicate-detection id: the broker assigns the message
     * id itself on send, so these are what a consumer, or Artemis, de-duplicates on.
     *
     * @throws IllegalStateException when the target is no longer configured: the row is retried and
     *     parked like any failed delivery, never dropped
     */
    public void address(Exchange exchange) {
        String name = exchange.getProperty(TARGET, String.class);
        DownstreamTargets.Target target = targets.named(name).orElseThrow(() -> new IllegalStateException(
                "downstream target '" + name + "' is not configured (paysync.downstream.targets)"));
        exchange.setProperty(TARGET_URI, target.uri());
        if (target.jms()) {
            String eventId = exchange.getProperty(EVENT_ID, String.class);
            Message message = exchange.getMessage();
            message.setHeader("JMSCorrelationID", eventId);
            message.setHeader(ARTEMIS_DUPLICATE_ID, eventId);
            message.removeHeader(Exchange.HTTP_METHOD);
            if (target.amqp()) {
                // a BytesMessage travels as an AMQP data section: RabbitMQ hands its consumers the
                // JSON as is, where a TextMessage would arrive AMQP-encoded (amqp-value)
                message.setBody(message.getBody(String.class).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * The {@code mark-delivered} step. Recorded even when this sender's lease ran out during the
     * send (a target slower than {@link #LEASE}): the event went out, and recording it stops a
     * sender that took the row over meanwhile from sending it again once its own send is done.
     */
    public void delivered(Exchange exchange) {
        long id = exchange.getProperty(OUTBOX_ID, Long.class);
        Instant now = clock.instant();
        int recorded = jdbc.update("""
                UPDATE outbox SET status = 'DELIVERED', delivered_at = :now, attempts = attempts + 1,
                    lease_until = NULL, last_error = NULL
                WHERE id = :id AND status = 'PENDING'""",
                new MapSqlParameterSource("id", id).addValue("now", utc(now)));
        if (recorded == 0) {
            log.warn("Downstream event {} was delivered to {} again: another sender recorded it first"
                    + " (this sender's lease of {} ran out during the send)", exchange.getProperty(EVENT_ID, String.class),
                    exchange.getProperty(TARGET, String.class), LEASE);
        }
        String provider = exchange.getProperty(PaymentMdc.PROVIDER, String.class);
        count(provider, exchange.getProperty(TARGET, String.class), "delivered");
        Timer.builder("paysync.delivery.latency")
                .description("From the callback or status answer that settled the payment to its downstream delivery")
                .tag("provider", provider)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry)
                .record(Duration.between(exchange.getProperty(RECEIVED_AT, Instant.class), now));
    }

    private void count(String provider, String target, String outcome) {
        Counter.builder("paysync.downstream.deliveries")
                .description("Downstream delivery attempts, by provider, target and outcome (delivered, failed, dead)")
                .tag("provider", provider)
                .tag("target", target)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    /**
     * The {@code mark-failed} step: the next attempt after a backoff, or a dead letter after the last.
     * Recorded only while this sender still holds its lease: once it ran out the row may be another
     * sender's, which may have delivered it already — a late failure must not put it back to
     * PENDING (a second send) or count an attempt twice.
     */
    public void failed(Exchange exchange) {
        long id = exchange.getProperty(OUTBOX_ID, Long.class);
        String eventId = exchange.getProperty(EVENT_ID, String.class);
        int attempts = exchange.getProperty(ATTEMPTS, Integer.class) + 1;
        String cause = describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        boolean dead = attempts >= settings.maxAttempts();
        Instant now = clock.instant();
        String target = exchange.getProperty(TARGET, String.class);
        int recorded = jdbc.update("""
                UPDATE outbox SET status = :status, attempts = :attempts, next_attempt_at = :next,
                    lease_until = NULL, last_error = :error
                WHERE id = :id AND status = 'PENDING' AND lease_until = :lease""",
                new MapSqlParameterSource("id", id)
                        .addValue("status", dead ? "DEAD" : "PENDING")
                        .addValue("attempts", attempts)
                        .addValue("next", utc(now.plus(backoff(attempts))))
                        .addValue("error", truncate(cause, 1000))
                        .addValue("lease", exchange.getProperty(LEASE_UNTIL, OffsetDateTime.class)));
        if (recorded == 0) {
            log.warn("Downstream delivery of {} to {} failed after this sender's lease of {} ran out; the event is"
                    + " another sender's now, left as that one records it: {}", eventId, target, LEASE, cause);
            return;
        }
        count(exchange.getProperty(PaymentMdc.PROVIDER, String.class), target, dead ? "dead" : "failed");
        if (dead) {
            log.error("Downstream delivery of {} to {} failed {} times; parked as a dead letter: {}", eventId, target,
                    attempts, cause);
        } else {
            log.warn("Downstream delivery of {} to {} failed (attempt {} of {}), next in {}: {}", eventId, target,
                    attempts, settings.maxAttempts(), backoff(attempts), cause);
        }
    }

    /** An outbox row as the dead-letter API shows it; {@code payload} is the event JSON as stored. */
    public record Letter(long id, String eventId, String target, String status, int attempts, String lastError,
            Instant createdAt, String payload) {

        Letter replayed() {
            return new Letter(id, eventId, target, "PENDING", 0, lastError, createdAt, payload);
        }
    }

    private static final String LETTER_COLUMNS = "id, event_id, target, status, attempts, last_error, created_at, payload";

    private static final RowMapper<Letter> LETTER = (rs, n) -> new Letter(rs.getLong("id"), rs.getString("event_id"),
            rs.getString("target"), rs.getString("status"), rs.getInt("attempts"), rs.getString("last_error"),
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

    /**
     * The failure as an operator needs it: the exception, and its root cause when that is another
     * (a JMS client wraps "address does not exist" in an uncategorized exception, for example).
     */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "null";
        }
        Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
        return root == failure ? failure.toString() : failure + " (cause: " + root + ")";
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
