package io.paysync.reconcile;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.paysync.provider.StatusClient.StatusAnswer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A circuit breaker and a bulkhead per provider around its status checks, so that one provider
 * timing out or failing delays nobody else: at most {@value #MAX_CONCURRENT_CHECKS} checks of one
 * provider run at once (others are answered "busy" and rescheduled), and after repeated failures
 * the provider is left alone for {@link #OPEN_FOR} ("circuit open"), then probed again. A check
 * without an answer is tried again once within the same run, after a short exponential backoff
 * with random jitter ({@link #RETRY_BACKOFF}); every attempt counts for the circuit breaker.
 * Callback intake never goes through here.
 */
@Component
class ProviderGuard {

    private static final Logger log = LoggerFactory.getLogger(ProviderGuard.class);

    static final int MAX_CONCURRENT_CHECKS = 2;
    static final Duration OPEN_FOR = Duration.ofSeconds(60);
    static final int WINDOW = 10;
    static final float FAILURE_RATE = 50;
    static final int ATTEMPTS = 2;
    /** 200 ms, doubling, ±50 % jitter. */
    static final IntervalFunction RETRY_BACKOFF = IntervalFunction.ofExponentialRandomBackoff(200, 2, 0.5);

    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();

    /** Runs {@code check} for {@code provider} inside its bulkhead and circuit breaker. */
    StatusAnswer guard(String provider, Supplier<StatusAnswer> check) {
        CircuitBreaker breaker = breakers.computeIfAbsent(provider, ProviderGuard::breaker);
        Bulkhead bulkhead = bulkheads.computeIfAbsent(provider, ProviderGuard::bulkhead);
        if (!bulkhead.tryAcquirePermission()) {
            return new StatusAnswer.Busy("busy: " + MAX_CONCURRENT_CHECKS + " checks of " + provider
                    + " already running");
        }
        try {
            StatusAnswer answer = null;
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                if (attempt > 1 && !pause(RETRY_BACKOFF.apply(attempt - 1))) {
                    break;
                }
                if (!breaker.tryAcquirePermission()) {
                    return new StatusAnswer.Unavailable("circuit open: " + provider + " failed too often recently");
                }
                answer = attempt(breaker, check);
                if (answer instanceof StatusAnswer.Known) {
                    return answer;
                }
            }
            return answer;
        } finally {
            bulkhead.onComplete();
        }
    }

    private static StatusAnswer attempt(CircuitBreaker breaker, Supplier<StatusAnswer> check) {
        long start = System.nanoTime();
        StatusAnswer answer;
        try {
            answer = check.get();
        } catch (RuntimeException e) {
            // a client must not throw; if one does (a bug), it is no answer, never a failed run
            log.warn("Status check by {} failed unexpectedly", breaker.getName(), e);
            answer = new StatusAnswer.Unavailable("unexpected " + e.getClass().getSimpleName());
        }
        long took = System.nanoTime() - start;
        if (answer instanceof StatusAnswer.Unavailable unavailable) {
            breaker.onError(took, TimeUnit.NANOSECONDS, new ProviderUnavailable(unavailable.reason()));
        } else {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        }
        return answer;
    }

    /** Waits before a retry; false when interrupted (shutting down: no retry). */
    private static boolean pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    CircuitBreaker.State state(String provider) {
        return breakers.computeIfAbsent(provider, ProviderGuard::breaker).getState();
    }

    private static CircuitBreaker breaker(String provider) {
        return CircuitBreaker.of("status-" + provider, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(WINDOW)
                .minimumNumberOfCalls(WINDOW / 2)
                .failureRateThreshold(FAILURE_RATE)
                .waitDurationInOpenState(OPEN_FOR)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    }

    private static Bulkhead bulkhead(String provider) {
        return Bulkhead.of("status-" + provider, BulkheadConfig.custom()
                .maxConcurrentCalls(MAX_CONCURRENT_CHECKS)
                .maxWaitDuration(Duration.ZERO)
                .build());
    }

    /** A provider that gave no answer, as the circuit breaker counts it. */
    static final class ProviderUnavailable extends RuntimeException {
        ProviderUnavailable(String reason) {
            super(reason, null, false, false);
        }
    }
}
