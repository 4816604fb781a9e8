package io.paysync.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.StatusClient.StatusAnswer;
import org.junit.jupiter.api.Test;

class ProviderGuardTests {

    static final StatusAnswer DOWN = new StatusAnswer.Unavailable("timeout (test)");
    static final StatusAnswer PENDING = new StatusAnswer.Known(
            PaymentUpdate.builder("slowpay", PaymentStatus.PENDING, Source.STATUS_CHECK).merchantReference("R").build(),
            "{}");

    @Test
    void aFailingProviderIsLeftAloneOnceItsCircuitOpens() {
        ProviderGuard guard = new ProviderGuard();
        AtomicInteger calls = new AtomicInteger();

        for (int i = 0; i < ProviderGuard.WINDOW; i++) {
            guard.guard("slowpay", () -> {
                calls.incrementAndGet();
                return DOWN;
            });
        }
        StatusAnswer answer = guard.guard("slowpay", () -> {
            calls.incrementAndGet();
            return PENDING;
        });

        assertThat(guard.state("slowpay")).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(calls.get()).isLessThan(ProviderGuard.WINDOW + 1);
        assertThat(answer).isInstanceOfSatisfying(StatusAnswer.Unavailable.class,
                unavailable -> assertThat(unavailable.reason()).contains("circuit open"));
        // other providers are not affected
        assertThat(guard.guard("otherpay", () -> PENDING)).isSameAs(PENDING);
    }

    @Test
    void aCheckWithoutAnAnswerIsTriedOnceMoreAfterAJitteredPause() {
        ProviderGuard guard = new ProviderGuard();
        AtomicInteger calls = new AtomicInteger();

        StatusAnswer answer = guard.guard("flakypay", () -> calls.incrementAndGet() == 1 ? DOWN : PENDING);

        assertThat(answer).isSameAs(PENDING);
        assertThat(calls.get()).isEqualTo(2);
        long first = ProviderGuard.RETRY_BACKOFF.apply(1);
        assertThat(first).isBetween(100L, 300L);
    }

    @Test
    void givesUpAfterTheSecondAttempt() {
        ProviderGuard guard = new ProviderGuard();
        AtomicInteger calls = new AtomicInteger();

        StatusAnswer answer = guard.guard("downpay", () -> {
            calls.incrementAndGet();
            return DOWN;
        });

        assertThat(answer).isSameAs(DOWN);
        assertThat(calls.get()).isEqualTo(ProviderGuard.ATTEMPTS);
    }

    @Test
    void aClientThatThrowsGivesNoAnswerInsteadOfFailingTheRun() {
        ProviderGuard guard = new ProviderGuard();

        StatusAnswer answer = guard.guard("buggypay", () -> {
            throw new IllegalStateException("bug (test)");
        });

        assertThat(answer).isInstanceOfSatisfying(StatusAnswer.Unavailable.class,
                unavailable -> assertThat(unavailable.reason()).isEqualTo("unexpected IllegalStateException"));
    }

    @Test
    void answersKeepTheCircuitClosed() {
        ProviderGuard guard = new ProviderGuard();
        for (int i = 0; i < 3 * ProviderGuard.WINDOW; i++) {
            assertThat(guard.guard("okpay", () -> PENDING)).isSameAs(PENDING);
        }
        assertThat(guard.state("okpay")).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aSlowProviderHoldsAtMostItsBulkheadAndNobodyWaitsForIt() throws Exception {
        ProviderGuard guard = new ProviderGuard();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(ProviderGuard.MAX_CONCURRENT_CHECKS);
        ExecutorService pool = Executors.newFixedThreadPool(ProviderGuard.MAX_CONCURRENT_CHECKS);
        try {
            Future<?>[] slow = new Future<?>[ProviderGuard.MAX_CONCURRENT_CHECKS];
            for (int i = 0; i < slow.length; i++) {
                slow[i] = pool.submit(() -> guard.guard("slowpay", () -> {
                    started.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return PENDING;
                }));
            }
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

            StatusAnswer third = guard.guard("slowpay", () -> PENDING);
            StatusAnswer other = guard.guard("otherpay", () -> PENDING);

            assertThat(third).isInstanceOfSatisfying(StatusAnswer.Busy.class,
                    busy -> assertThat(busy.reason()).contains("busy"));
            assertThat(other).isSameAs(PENDING);
            release.countDown();
            for (Future<?> future : slow) {
                future.get(5, TimeUnit.SECONDS);
            }
            assertThat(guard.guard("slowpay", () -> PENDING)).isSameAs(PENDING);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
