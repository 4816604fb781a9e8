package io.paysync.callback;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.payment.PaymentUpdate;
import io.paysync.provider.CallbackMapper;
import io.paysync.provider.MappedCallback;
import io.paysync.provider.RawCallback;
import io.paysync.system.Draining;
import io.paysync.system.PaymentMdc;
import io.paysync.system.PaysyncProperties;
import io.paysync.system.Returning;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The callback inbox: every request that reached a callback endpoint, committed before it is
 * answered. Accepted callbacks wait in state RECEIVED until the payment pipeline has processed
 * them; a crash in between leaves them RECEIVED, and the recovery route hands them to the
 * pipeline again after restart.
 */
@Component("callbackInbox")
public class CallbackInbox {

    private static final Logger log = LoggerFactory.getLogger(CallbackInbox.class);

    /** Exchange property: the inbox row id of an accepted callback. */
    public static final String INBOX_ID = "paysyncInboxId";
    /** Exchange property: true when the callback repeats one already accepted. */
    public static final String DUPLICATE = "paysyncDuplicate";
    /** Exchange property of the pipeline: the inbox ids it processes together, in one transaction. */
    public static final String INBOX_IDS = "paysyncInboxIds";
    /** Exchange property of the pipeline: the breadcrumb id of each of its inbox ids' hand-off. */
    static final String BREADCRUMBS = "paysyncBreadcrumbs";
    private static final String MDC_BREADCRUMB = "camel.breadcrumbId";
    /** Exchange property: true when the pipeline has work to do for this callback. */
    public static final String HAND_OFF = "paysyncHandOff";
    /** Exchange property of the recovery route: the last inbox id it handed over in this run. */
    static final String RECOVERY_CURSOR = "paysyncRecoveryAfterId";
    /** Exchange property of the recovery route: the last batch was full, more may be waiting. */
    static final String RECOVERY_MORE = "paysyncRecoveryMore";
    /** Exchange property of the recovery route: the inbox ids waiting in the pipeline's queue at the start of the run. */
    static final String RECOVERY_WAITING = "paysyncRecoveryWaiting";
    /** The route that processes recorded callbacks, from a queue of inbox ids. */
    static final String PIPELINE_ROUTE = "payment-pipeline";

    private static final int MAX_ERROR = 1000;
    private static final int RECOVERY_BATCH = 500;
    private static final int MAX_REASON = 500;
    /** U+2400 SYMBOL FOR NULL: what a NUL in a recorded request becomes (see {@link #storable}). */
    static final char NUL_SYMBOL = '\u2400';

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final TransactionTemplate separateTransaction;
    private final ObjectMapper json;
    private final Clock clock;
    private final PaysyncProperties.Pipeline pipeline;
    private final long maxBodySize;
    private final InboxWriter writer;
    private final PipelineQueue queue;

    CallbackInbox(NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactions, ObjectMapper json,
            Clock clock, PaysyncProperties properties, InboxWriter writer, PipelineQueue queue) {
        this.jdbc = jdbc;
        this.writer = writer;
        this.queue = queue;
        this.transaction = new TransactionTemplate(transactions);
        this.separateTransaction = new TransactionTemplate(transactions);
        this.separateTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.json = json;
        this.clock = clock;
        this.pipeline = properties.pipeline();
        this.maxBodySize = properties.callbacks().maxBodySize().toBytes();
    }

    /**
     * Records an accepted callback durably (committed when this returns; see {@link InboxWriter}). A
     * callback whose delivery key was seen before is recorded as a DUPLICATE and not processed again.
     */
    public void record(Exchange exchange) {
        RawCallback callback = exchange.getProperty(CallbackMapper.RAW_CALLBACK, RawCallback.class);
        MappedCallback mapped = exchange.getProperty(CallbackMapper.MAPPED_CALLBACK,
                MappedCallback.class);
        if (mapped.update() == null) {
            exchange.setProperty(HAND_OFF, false);
            return;
        }
        PaymentMdc.name(exchange, callback.provider(), mapped.update().merchantReference());
        String update = toJson(mapped.update());
        MapSqlParameterSource deliveryKey = mapped.deliveryKey() == null ? null
                : new MapSqlParameterSource("provider", callback.provider()).addValue("key", mapped.deliveryKey())
                        .addValue("now", utc(clock.instant()));
        // committed together with the callbacks that arrived at the same time (group commit)
        InboxWriter.Written recorded = writer.write(new InboxWriter.Entry(
                row(callback, "ACCEPTED", 200, null, "RECEIVED", update), deliveryKey));
        exchange.setProperty(INBOX_ID, recorded.id());
        exchange.setProperty(DUPLICATE, recorded.duplicate());
        exchange.setProperty(HAND_OFF, !recorded.duplicate());
        exchange.getMessage().setBody(recorded.id());
    }

    /**
     * Records what paysync learnt by itself (a status-check answer, a give-up) as an accepted
     * entry, so that it takes the same way through the pipeline as a callback.
     *
     * @param kind what it is, e.g. {@code STATUS_CHECK} (stored as the method)
     * @param raw  the provider's answer as received, or null
     */
    public long recordOwn(String provider, String kind, String raw, PaymentUpdate update) {
        RawCallback entry = new RawCallback(provider, kind, null, null, Map.of(), null, Map.of(), raw,
                raw == null ? 0 : raw.length(), null, clock.instant());
        String json = toJson(update);
        return transaction.execute(status -> insert(entry, "ACCEPTED", 200, null, "RECEIVED", json));
    }

    /** Records a refused request for forensics; never fails the answer to the caller. */
    void recordRejection(RawCallback callback, int httpStatus, String reason) {
        if (callback == null) {
            return;
        }
        try {
            separateTransaction.executeWithoutResult(status ->
                    insert(callback, "REJECTED", httpStatus, truncate(reason, MAX_REASON), "DONE", null));
        } catch (RuntimeException e) {
            log.warn("Could not record the rejected {} callback ({} {}): {}", callback.provider(), httpStatus, reason,
                    e.toString());
        }
    }

    private long insert(RawCallback callback, String outcome, int httpStatus, String reason, String state,
            String update) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.update(InboxWriter.INSERT_INBOX, row(callback, outcome, httpStatus, reason, state, update), key,
                new String[] {"id"});
        return key.getKey().longValue();
    }

    private MapSqlParameterSource row(RawCallback callback, String outcome, int httpStatus, String reason,
            String state, String update) {
        return new MapSqlParameterSource("provider", callback.provider())
                .addValue("receivedAt", utc(callback.receivedAt()))
                .addValue("remote", callback.remoteAddress())
                .addValue("method", storable(truncate(callback.method(), 16)))
                .addValue("query", storable(truncate(Redaction.query(callback.query()), 2000)))
                .addValue("headers", toJson(Redaction.headers(callback.headers())))
                .addValue("body", storable(truncate(callback.body(), (int) Math.min(Integer.MAX_VALUE, maxBodySize))))
                .addValue("outcome", outcome)
                .addValue("httpStatus", httpStatus)
                .addValue("reason", storable(reason))
                .addValue("state", state)
                .addValue("update", update);
    }

    /**
     * The pipeline's {@code take-waiting} step: the inbox id in the body and those waiting behind it
     * in the pipeline's queue, up to {@code paysync.pipeline.batch-size} in all, become the body (a
     * list) and {@value #INBOX_IDS}; they are processed in one transaction. Taken from the queue here,
     * they are this exchange's work: a stop completes it (CompleteCurrentTaskOnly), and a crash leaves
     * them RECEIVED for the recovery route like any other. When that empties the queue and it had
     * refused hand-offs (full, see {@link PipelineQueue}), the batch is filled up with those callbacks,
     * read from the inbox, and the next one waiting there goes into the queue to carry on.
     */
    public void takeWaiting(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        List<Long> ids = new ArrayList<>();
        ids.add(exchange.getMessage().getMandatoryBody(Long.class));
        // each callback keeps the breadcrumb of its HTTP request in the pipeline's log lines (see open)
        Map<Long, String> breadcrumbs = new HashMap<>();
        breadcrumbs.put(ids.get(0), exchange.getMessage().getHeader(Exchange.BREADCRUMB_ID, String.class));
        if (exchange.getFromEndpoint() instanceof SedaEndpoint seda) {
            if (pipeline.batchSize() > 1) {
                List<Exchange> taken = new ArrayList<>();
                seda.getQueue().drainTo(taken, pipeline.batchSize() - 1);
                for (Exchange waiting : taken) {
                    Long id = waiting.getMessage().getBody(Long.class);
                    if (id != null && !ids.contains(id)) {
                        ids.add(id);
                        breadcrumbs.put(id, waiting.getMessage().getHeader(Exchange.BREADCRUMB_ID, String.class));
                    }
                    // a hand-off's completions (seda hands them over with it) now run when this exchange completes
                    waiting.getExchangeExtension().handoverCompletions(exchange);
                }
            }
            if (seda.getQueue().isEmpty()) {
                takeRefused(ids, seda);
            }
        }
        exchange.setProperty(INBOX_IDS, List.copyOf(ids));
        exchange.setProperty(BREADCRUMBS, breadcrumbs);
        exchange.setProperty(PaymentUpdate.STATUS_CHECKS, new ArrayList<Long>());
        exchange.getMessage().setBody(ids);
    }

    /**
     * Adds to the batch the callbacks the queue refused, up to its size, and hands the next one
     * waiting over to the queue: the pipeline reads that one, and the catch-up goes on, once it has
     * worked through what came in meanwhile.
     */
    private void takeRefused(List<Long> ids, SedaEndpoint seda) {
        long from = queue.startCatchUp();
        if (from == PipelineQueue.NONE) {
            return;
        }
        long next = from;
        try {
            int room = pipeline.batchSize() - ids.size();
            // the batch's own ids may be among them: one more than a whole batch leaves room and a next one
            List<Long> waiting = receivedFrom(from, pipeline.batchSize() + 1).stream()
                    .filter(Predicate.not(ids::contains)).toList();
            ids.addAll(waiting.subList(0, Math.min(room, waiting.size())));
            next = waiting.size() > room ? waiting.get(room) : PipelineQueue.NONE;
        } catch (DataAccessException e) {
            // the batch goes on as it is; the next worker to empty the queue tries again from the same id
            log.warn("Could not read the callbacks the pipeline's queue refused (from inbox id {}): {}", from,
                    e.toString());
            return;
        } finally {
            queue.endCatchUp(next);
        }
        // only once this catch-up has ended: the worker that takes it may start the next one
        if (next != PipelineQueue.NONE) {
            Exchange handOff = seda.createExchange();
            handOff.getMessage().setBody(next);
            // refused in turn when the queue is full again: then it is the first of the next catch-up
            seda.getQueue().offer(handOff);
        }
    }

    /** The ids of accepted callbacks not processed yet, from an id on, in id order. */
    List<Long> receivedFrom(long fromId, int limit) {
        return jdbc.queryForList("""
                SELECT id FROM callback_inbox WHERE state = 'RECEIVED' AND id >= :from ORDER BY id LIMIT :limit""",
                new MapSqlParameterSource("from", fromId).addValue("limit", limit), Long.class);
    }

    /**
     * The {@code claim-inbox} step: takes the RECEIVED callbacks among the inbox ids in the body (one,
     * or a list) for processing, inside the caller's transaction: their rows are locked until that
     * transaction ends, and marked PROCESSED if it commits. The body becomes the claimed ones, ordered
     * by provider and merchant reference (concurrent batches lock payments in the same order), then by
     * id; those another worker has processed already are left out.
     */
    public void claim(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        Object body = exchange.getMessage().getMandatoryBody();
        List<Long> ids = body instanceof List<?> list
                ? list.stream().map(id -> exchange.getContext().getTypeConverter().convertTo(Long.class, id)).toList()
                : List.of(exchange.getMessage().getMandatoryBody(Long.class));
        exchange.getMessage().setBody(claimRows(ids));
    }

    /**
     * The {@code open-claimed} step, once per claimed callback: its update becomes the body, with
     * its inbox id and receive time as properties and its payment in the log context.
     */
    public void open(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        Claimed claimed = exchange.getMessage().getMandatoryBody(Claimed.class);
        PaymentMdc.name(exchange, claimed.update().provider(), claimed.update().merchantReference());
        exchange.setProperty(INBOX_ID, claimed.id());
        exchange.setProperty(PaymentUpdate.RECEIVED_AT, claimed.receivedAt());
        @SuppressWarnings("unchecked")
        Map<Long, String> breadcrumbs = exchange.getProperty(BREADCRUMBS, Map.class);
        String breadcrumb = breadcrumbs == null ? null : breadcrumbs.get(claimed.id());
        if (breadcrumb != null) {
            // this callback's own, not that of the batch's first callback (Camel's MDC restores it afterwards)
            exchange.getMessage().setHeader(Exchange.BREADCRUMB_ID, breadcrumb);
            MDC.put(MDC_BREADCRUMB, breadcrumb);
        }
        exchange.getMessage().setBody(claimed.update());
    }

    /** A claimed entry: its inbox id, its update and when it was received. */
    public record Claimed(long id, PaymentUpdate update, Instant receivedAt) {
    }

    private static final Comparator<Claimed> PAYMENT_ORDER = Comparator
            .comparing((Claimed claimed) -> claimed.update().provider())
            .thenComparing(claimed -> String.valueOf(claimed.update().merchantReference()))
            .thenComparingLong(Claimed::id);

    List<Claimed> claimRows(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        // one round trip: the rows' updates come back with the claim (RETURNING on PostgreSQL)
        List<Claimed> claimed = new ArrayList<>(Returning.all(jdbc, """
                UPDATE callback_inbox SET state = 'PROCESSED', processed_at = :now
                WHERE id IN (:ids) AND state = 'RECEIVED'""",
                new MapSqlParameterSource("ids", ids).addValue("now", utc(clock.instant())),
                new String[] {"id", "payment_update", "received_at"},
                (rs, n) -> {
                    long id = rs.getLong("id");
                    return new Claimed(id, readUpdate(id, rs.getString("payment_update")),
                            rs.getObject("received_at", OffsetDateTime.class).toInstant());
                }));
        claimed.sort(PAYMENT_ORDER);
        return claimed;
    }

    private PaymentUpdate readUpdate(long id, String update) {
        try {
            return json.readValue(update, PaymentUpdate.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("inbox row " + id + " holds an unreadable update", e);
        }
    }

    /** The pipeline's {@code record-failure} step. */
    public void processingFailed(Exchange exchange) {
        recordFailure(exchange.getProperty(INBOX_ID, Long.class),
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    /** Notes a processing failure in its own transaction; after the last attempt the row is FAILED. */
    void recordFailure(long id, Throwable failure) {
        separateTransaction.executeWithoutResult(status -> jdbc.update("""
                UPDATE callback_inbox SET attempts = attempts + 1, last_error = :error,
                    state = CASE WHEN attempts + 1 >= :max THEN 'FAILED' ELSE state END
                WHERE id = :id AND state = 'RECEIVED'""",
                new MapSqlParameterSource("id", id).addValue("max", pipeline.maxAttempts())
                        .addValue("error", storable(truncate(String.valueOf(failure), MAX_ERROR)))));
        log.warn("Processing callback {} failed (it will be retried): {}", id, failure.toString());
    }

    /**
     * The {@code find-unprocessed} step: the next batch of accepted callbacks still unprocessed after
     * {@code paysync.pipeline.recovery-after}, oldest first, after those this run has handed over
     * already ({@value #RECOVERY_CURSOR}); {@value #RECOVERY_MORE} tells the route whether the batch
     * was full, so one run hands over every such callback, however many a burst left behind.
     */
    public List<Long> unprocessed(Exchange exchange) {
        long after = exchange.getProperty(RECOVERY_CURSOR, 0L, Long.class);
        List<Long> ids = findUnprocessed(after, RECOVERY_BATCH);
        exchange.setProperty(RECOVERY_MORE, Draining.more(exchange, ids.size() >= RECOVERY_BATCH));
        if (ids.isEmpty()) {
            return ids;
        }
        exchange.setProperty(RECOVERY_CURSOR, ids.get(ids.size() - 1));
        // still waiting in this instance's queue (a burst, a stopped pipeline): handing them over
        // again would only queue copies, every run, each costing a claim that finds nothing. The
        // queue is read once per run: a callback taken from it since then is claimed once anyway
        @SuppressWarnings("unchecked")
        Set<Long> waiting = exchange.getProperty(RECOVERY_WAITING, Set.class);
        if (waiting == null) {
            waiting = waitingInQueue(exchange.getContext());
            exchange.setProperty(RECOVERY_WAITING, waiting);
        }
        return ids.stream().filter(Predicate.not(waiting::contains)).toList();
    }

    /** The inbox ids waiting in the queue of the {@code payment-pipeline} route, if it reads one. */
    private static Set<Long> waitingInQueue(CamelContext camel) {
        Route route = camel.getRoute(PIPELINE_ROUTE);
        if (route == null || !(route.getEndpoint() instanceof SedaEndpoint seda)) {
            return Set.of();
        }
        Set<Long> ids = new HashSet<>();
        for (Exchange waiting : seda.getQueue()) {
            if (waiting.getMessage().getBody() instanceof Long id) {
                ids.add(id);
            }
        }
        return ids;
    }

    List<Long> findUnprocessed(long afterId, int limit) {
        Instant before = clock.instant().minus(pipeline.recoveryAfter());
        return jdbc.queryForList("""
                SELECT id FROM callback_inbox WHERE state = 'RECEIVED' AND received_at < :before AND id > :after
                ORDER BY id LIMIT :limit""",
                new MapSqlParameterSource("before", utc(before)).addValue("after", afterId).addValue("limit", limit),
                Long.class);
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /**
     * Text as the inbox can keep it: PostgreSQL's text types cannot hold NUL (0x00), so a NUL in what
     * a caller sent (a raw byte in a refused body, a value echoed in a refusal's reason) is kept as
     * U+2400 (␀), one character for one, and the refusal is still recorded. Only there: paysync
     * refuses a NUL in anything a payment keeps ({@code CallbackFields.bounded}). The headers are
     * stored as JSON, which escapes it.
     */
    static String storable(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', NUL_SYMBOL);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
