package io.paysync.payment;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.provider.Providers;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The payments paysync initiates itself ({@code POST /api/payments}): a PENDING payment is reserved
 * (committed) before the provider is asked, so that a repeat of the request finds it instead of
 * starting a second payment, and so that a crash while asking leaves a payment that reconciliation
 * still checks. What the provider answered then decides what is kept:
 * <ul>
 * <li>{@link #accepted}: the provider reference (and virtual account) is stored, the payment stays
 * PENDING and is reconciled like any other (its first check is scheduled as for a tracked payment);</li>
 * <li>{@link #refused}: marked REFUSED; the caller settles it FAILED through the pipeline;</li>
 * <li>{@link #unknown}: the provider may have taken it; it stays PENDING and is reconciled;</li>
 * <li>{@link #release}: the provider certainly did not take it; the reservation is deleted, and the same
 * request may be sent again.</li>
 * </ul>
 * Idempotent on (provider, merchant reference): the same request again finds the payment; a different
 * request under the same reference, or a reference taken by a payment not initiated here, is a conflict.
 */
@Service
public class PaymentInitiations {

    /** Where an initiation stands. */
    public enum State {
        INITIATING, ACCEPTED, REFUSED, UNKNOWN
    }

    /** An INITIATING reservation older than this is no longer in progress (a crash): it is answered as it is. */
    static final Duration IN_PROGRESS = Duration.ofMinutes(2);

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final PaymentRepository payments;
    private final Providers providers;
    private final ReconciliationSchedule schedule;
    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;
    private final Clock clock;

    PaymentInitiations(PaymentRepository payments, Providers providers, ReconciliationSchedule schedule,
            NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactions, ObjectMapper json, Clock clock) {
        this.payments = payments;
        this.providers = providers;
        this.schedule = schedule;
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.json = json;
        this.clock = clock;
    }

    /**
     * What identifies a request: every field it sent, as text ({@code amount} without trailing zeros),
     * provider fields as {@code extras.<name>} with their JSON text. Absent and null are the same.
     */
    public record Request(String provider, String merchantReference, BigDecimal amount, String currency,
            String payer, Map<String, String> fields) {

        public Request {
            fields = new TreeMap<>(fields);
        }
    }

    /** A payment initiated here, where its initiation stands, and what the provider answered for the customer. */
    public record Held(Payment payment, State state, Map<String, Object> answer) {
    }

    /** The result of {@link #reserve}: a new reservation, or the payment a repeat of the request finds. */
    public sealed interface Reservation {

        record Reserved(Payment payment) implements Reservation {
        }

        record Existing(Held held) implements Reservation {
        }
    }

    /** The same request is being initiated right now (a concurrent repeat): retry shortly. */
    public static class InProgressException extends RuntimeException {
        public InProgressException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** Reserves the payment, or finds the one this request already made. */
    public Reservation reserve(Request request) {
        String canonical = write(request.fields());
        return transaction.execute(status -> {
            Optional<Held> existing = held(request.provider(), request.merchantReference());
            if (existing.isPresent()) {
                return new Reservation.Existing(same(existing.get(), request));
            }
            Instant now = clock.instant();
            String matchKey = providers.require(request.provider()).matchKey(request.merchantReference());
            boolean created = payments.insertIfAbsent(new PaymentRepository.NewPayment(request.provider(),
                    request.merchantReference(), matchKey, null, request.amount(), request.currency(),
                    request.payer(), Set.of(), Source.API, schedule.firstCheck(request.provider(), now)), now);
            if (!created) {
                Held held = held(request.provider(), request.merchantReference()).orElseThrow(() ->
                        new PaymentTracker.ConflictException("merchantReference " + request.merchantReference()
                                + " cannot be told apart from an existing " + request.provider()
                                + " payment: the provider reports references as " + matchKey));
                return new Reservation.Existing(same(held, request));
            }
            Payment payment = payments.find(request.provider(), request.merchantReference()).orElseThrow();
            jdbc.update("UPDATE payment SET initiation_request = :request, initiation_state = 'INITIATING'"
                    + " WHERE id = :id", new MapSqlParameterSource("id", payment.id()).addValue("request", canonical));
            payments.appendHistory(payment.id(),
                    List.of(new HistoryEntry(PaymentStatus.PENDING, Source.API, now, "initiation requested")));
            return new Reservation.Reserved(payment);
        });
    }

    /** The provider took the payment: its references are kept and it is reconciled like any other. */
    public void accepted(long id, String providerReference, String virtualAccount, String customerId,
            Map<String, Object> answer, String detail) {
        transaction.executeWithoutResult(status -> {
            jdbc.update("""
                    UPDATE payment SET provider_reference = COALESCE(provider_reference, :ref),
                        virtual_account = COALESCE(virtual_account, :account),
                        customer_id = COALESCE(customer_id, :customer),
                        initiation_state = 'ACCEPTED', initiation_answer = :answer
                    WHERE id = :id""",
                    new MapSqlParameterSource("id", id).addValue("ref", providerReference)
                            .addValue("account", virtualAccount).addValue("customer", customerId)
                            .addValue("answer", answer.isEmpty() ? null : write(answer)));
            history(id, "initiated" + (providerReference == null ? "" : ": provider reference " + providerReference)
                    + (detail == null ? "" : "; " + detail));
        });
    }

    /** The provider refused the payment; the caller settles it FAILED through the pipeline. */
    public void refused(long id, String code, String message) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("providerCode", code);
        answer.put("providerMessage", message);
        jdbc.update("UPDATE payment SET initiation_state = 'REFUSED', initiation_answer = :answer WHERE id = :id",
                new MapSqlParameterSource("id", id).addValue("answer", write(answer)));
    }

    /** The provider may have taken the payment: it stays PENDING and status checks settle it. */
    public void unknown(long id, String reason) {
        transaction.executeWithoutResult(status -> {
            jdbc.update("UPDATE payment SET initiation_state = 'UNKNOWN' WHERE id = :id",
                    new MapSqlParameterSource("id", id));
            history(id, "initiation outcome unknown (" + reason + "); settled by callback or status check");
        });
    }

    /** The provider certainly did not take the payment: the reservation goes, as if never made. */
    public void release(long id) {
        transaction.executeWithoutResult(status -> {
            MapSqlParameterSource params = new MapSqlParameterSource("id", id);
            jdbc.update("DELETE FROM payment_history WHERE payment_id = :id", params);
            int deleted = jdbc.update("DELETE FROM payment WHERE id = :id AND status = 'PENDING'"
                    + " AND initiation_state = 'INITIATING'", params);
            if (deleted == 0) {
                // something else has settled it meanwhile: keep it whole
                status.setRollbackOnly();
            }
        });
    }

    /** The payment under this reference with its initiation, when it was initiated here. */
    public Optional<Held> held(String provider, String merchantReference) {
        return payments.find(provider, merchantReference).map(payment -> {
            Map<String, Object> row = jdbc.queryForMap("SELECT initiation_state, initiation_answer FROM payment"
                    + " WHERE id = :id", new MapSqlParameterSource("id", payment.id()));
            String state = (String) row.get("initiation_state");
            String answer = (String) row.get("initiation_answer");
            return new Held(payment, state == null ? null : State.valueOf(state),
                    answer == null ? Map.of() : read(answer));
        });
    }

    /** The held payment when the request repeats the one that made it; otherwise a conflict. */
    private Held same(Held held, Request request) {
        Payment payment = held.payment();
        if (held.state() == null) {
            throw new PaymentTracker.ConflictException("a " + payment.provider() + " payment "
                    + payment.merchantReference() + " exists that was not initiated through POST /api/payments");
        }
        String stored = jdbc.queryForObject("SELECT initiation_request FROM payment WHERE id = :id",
                new MapSqlParameterSource("id", payment.id()), String.class);
        Map<String, Object> before = stored == null ? Map.of() : read(stored);
        List<String> differing = new ArrayList<>();
        SortedSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(request.fields().keySet());
        for (String name : names) {
            if (!Objects.equals(before.get(name), request.fields().get(name))) {
                differing.add(name);
            }
        }
        if (!differing.isEmpty()) {
            throw new PaymentTracker.ConflictException("a " + payment.provider() + " payment "
                    + payment.merchantReference() + " was initiated with a different " + String.join(", ", differing));
        }
        if (held.state() == State.INITIATING && clock.instant().isBefore(payment.createdAt().plus(IN_PROGRESS))) {
            throw new InProgressException("the " + payment.provider() + " payment " + payment.merchantReference()
                    + " is being initiated right now; repeat the request in a few seconds");
        }
        return held;
    }

    private void history(long id, String detail) {
        payments.appendHistory(id, List.of(new HistoryEntry(PaymentStatus.PENDING, Source.API, clock.instant(),
                detail)));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> read(String text) {
        try {
            return json.readValue(text, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable initiation column", e);
        }
    }
}
