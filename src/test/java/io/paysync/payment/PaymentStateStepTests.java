package io.paysync.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paysync.provider.CallbackMapper;
import io.paysync.provider.Providers;
import io.paysync.support.H2Memory;
import io.paysync.system.InsertsAtCommit;
import io.paysync.system.PaymentMdc;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code apply-state-rules} step for a payment it has not seen before (a callback for a payment
 * initiated elsewhere): the payment is inserted in the state the update leaves it in, with its
 * status check schedule, in one statement — never inserted PENDING and then updated — and a
 * concurrent creator's payment is updated like any stored one, never inserted twice. Below Spring,
 * on H2, in a transaction as the pipeline runs it; the callback contract covers the same paths over
 * HTTP on both databases.
 */
class PaymentStateStepTests {

    private static final Instant NOW = Instant.parse("2026-11-22T04:00:00.123456Z");
    private static final DefaultCamelContext CAMEL = new DefaultCamelContext();

    private final SimpleDriverDataSource dataSource = H2Memory.migrated("payment-state-step");
    private final JdbcTemplate sql = new JdbcTemplate(dataSource);
    private final NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(dataSource);
    private final TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));

    /** Updates of stored payments this repository made. */
    private final AtomicInteger updates = new AtomicInteger();
    /** When set, the next lookup by match key finds nothing, as when a concurrent creator has not committed yet. */
    private final AtomicBoolean hideOnce = new AtomicBoolean();

    private final PaymentRepository payments = new PaymentRepository(jdbc, new InsertsAtCommit(jdbc)) {
        @Override
        void update(Payment p) {
            updates.incrementAndGet();
            super.update(p);
        }

        @Override
        Optional<Payment> lockByMatchKey(String provider, String matchKey) {
            return hideOnce.getAndSet(false) ? Optional.empty() : super.lockByMatchKey(provider, matchKey);
        }
    };

    /** The step names its payment in the thread's MDC (the pipeline's PaymentMdc wrapper restores it). */
    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @AfterAll
    static void stopCamel() {
        CAMEL.stop();
    }

    private PaymentStateStep step(CallbackMapper.Trust trust) {
        CallbackMapper mapper = mock(CallbackMapper.class);
        when(mapper.trust()).thenReturn(trust);
        // MyPVit's form: its callbacks echo a merchant reference without dashes
        when(mapper.matchKey(anyString())).thenAnswer(call -> call.getArgument(0, String.class).replace("-", ""));
        Providers providers = mock(Providers.class);
        when(providers.require("mypvit")).thenReturn(mapper);
        ReconciliationSettings settings = new ReconciliationSettings(new ReconciliationSettings.Reconciliation(
                Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofHours(24), "0/15 * * * * ?", 50), Map.of());
        return new PaymentStateStep(payments, providers, new ReconciliationSchedule(settings, List.of()), settings,
                new Settlements(new SimpleMeterRegistry()), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static PaymentUpdate callback(String ref, PaymentStatus status) {
        return PaymentUpdate.builder("mypvit", status, Source.CALLBACK).match(Match.MERCHANT_REFERENCE)
                .merchantReference(ref).providerReference("PAY-" + ref).amount(new BigDecimal("500"))
                .currency("XAF").payer("24107000000").operator("AIRTEL").statusReason("paid").build();
    }

    /** Runs the step in one transaction, as the pipeline does; the exchange after it. */
    private Exchange run(PaymentStateStep step, PaymentUpdate update) {
        Exchange exchange = new DefaultExchange(CAMEL);
        exchange.getMessage().setBody(update);
        exchange.setProperty(PaymentUpdate.RECEIVED_AT, NOW.minusMillis(5));
        transaction.executeWithoutResult(status -> {
            try {
                step.process(exchange);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return exchange;
    }

    private Map<String, Object> row(String ref) {
        return sql.queryForMap("SELECT * FROM payment WHERE provider = 'mypvit' AND merchant_reference = ?", ref);
    }

    private List<String> history(String ref) {
        return sql.queryForList("""
                SELECT h.status || ' ' || h.source || ' ' || h.detail FROM payment_history h
                JOIN payment p ON p.id = h.payment_id WHERE p.merchant_reference = ? ORDER BY h.id""", String.class, ref);
    }

    private static Instant instant(Object column) {
        return column == null ? null : ((OffsetDateTime) column).toInstant();
    }

    @Test
    void aFinalCallbackForAPaymentNotSeenBeforeInsertsItSettledWithoutAnUpdate() {
        Exchange exchange = run(step(CallbackMapper.Trust.FINAL), callback("FS-1", PaymentStatus.SUCCESS));

        Map<String, Object> row = row("FS-1");
        assertThat(row.get("status")).isEqualTo("SUCCESS");
        assertThat((BigDecimal) row.get("amount")).isEqualByComparingTo("500");
        assertThat(row).containsEntry("currency", "XAF").containsEntry("payer", "24107000000")
                .containsEntry("operator", "AIRTEL").containsEntry("status_reason", "paid")
                .containsEntry("provider_reference", "PAY-FS-1").containsEntry("match_key", "FS1")
                .containsEntry("origin", "CALLBACK").containsEntry("flags", "");
        assertThat(instant(row.get("created_at"))).isEqualTo(NOW);
        assertThat(instant(row.get("finalized_at"))).isEqualTo(NOW);
        assertThat(row.get("next_check_at")).as("a settled payment is not checked").isNull();
        assertThat(row.get("claimed_status")).isNull();
        assertThat(updates).as("written by its INSERT alone").hasValue(0);
        assertThat(history("FS-1")).containsExactly("SUCCESS CALLBACK first seen; paid");

        Payment body = exchange.getMessage().getBody(Payment.class);
        assertThat(body.id()).isEqualTo(((Number) row.get("id")).longValue());
        assertThat(body.status()).isEqualTo(PaymentStatus.SUCCESS);
        assertThat(exchange.getProperty(PaymentStateStep.FINAL_KEY)).isEqualTo("mypvit:FS-1");
    }

    @Test
    void aPendingCallbackForAPaymentNotSeenBeforeInsertsItDueForItsFirstCheck() {
        Exchange exchange = run(step(CallbackMapper.Trust.FINAL), callback("FS-2", PaymentStatus.PENDING));

        Map<String, Object> row = row("FS-2");
        assertThat(row.get("status")).isEqualTo("PENDING");
        assertThat(row.get("finalized_at")).isNull();
        assertThat(instant(row.get("next_check_at"))).isEqualTo(NOW.plusSeconds(60));
        assertThat(updates).hasValue(0);
        assertThat(history("FS-2")).containsExactly("PENDING CALLBACK first seen; paid");
        assertThat(exchange.getProperty(PaymentStateStep.FINAL_KEY)).isNull();
    }

    @Test
    void anUnsignedFinalCallbackForAPaymentNotSeenBeforeInsertsItPendingClaimedAndDueNow() {
        Exchange exchange = run(step(CallbackMapper.Trust.CONFIRM), callback("FS-3", PaymentStatus.FAILED));

        Map<String, Object> row = row("FS-3");
        assertThat(row.get("status")).isEqualTo("PENDING");
        assertThat(row.get("claimed_status")).isEqualTo("FAILED");
        assertThat(instant(row.get("next_check_at"))).as("checked with the provider at once").isEqualTo(NOW);
        assertThat(updates).hasValue(0);
        assertThat(history("FS-3")).containsExactly("PENDING CALLBACK first seen; paid",
                "PENDING CALLBACK callback reports FAILED; awaiting confirmation by a status check");
        assertThat(exchange.getProperty(PaymentUpdate.STATUS_CHECKS, List.class))
                .containsExactly(((Number) row.get("id")).longValue());
        assertThat(exchange.getProperty(PaymentStateStep.FINAL_KEY)).isNull();
    }

    @Test
    void aConcurrentCreatorsPaymentIsUpdatedNotInsertedTwice() {
        assertThat(payments.insertIfAbsent(new PaymentRepository.NewPayment("mypvit", "FS-4", "FS4", null,
                new BigDecimal("500"), "XAF", null, Set.of(), Source.API, NOW.plusSeconds(60)), NOW)).isTrue();
        // the step's lookup misses it, as it would while its creator had not committed: its INSERT
        // then finds the payment there (same match key) and does nothing, and the step takes the stored payment
        hideOnce.set(true);

        Exchange exchange = run(step(CallbackMapper.Trust.FINAL), callback("FS4", PaymentStatus.SUCCESS));

        assertThat(sql.queryForObject("SELECT COUNT(*) FROM payment WHERE match_key = 'FS4'", Integer.class))
                .isEqualTo(1);
        Map<String, Object> row = row("FS-4");
        assertThat(row.get("status")).isEqualTo("SUCCESS");
        assertThat(row).containsEntry("origin", "API").containsEntry("provider_reference", "PAY-FS4");
        assertThat(row.get("next_check_at")).isNull();
        assertThat(updates).as("the stored payment is updated").hasValue(1);
        assertThat(history("FS-4")).containsExactly("SUCCESS CALLBACK paid");
        assertThat(exchange.getMessage().getBody(Payment.class).id()).isEqualTo(((Number) row.get("id")).longValue());
        // named as stored, not in the callback's form
        assertThat(exchange.getProperty(PaymentStateStep.FINAL_KEY)).isEqualTo("mypvit:FS-4");
        assertThat(exchange.getProperty(PaymentMdc.MERCHANT_REFERENCE)).isEqualTo("FS-4");
    }
}
