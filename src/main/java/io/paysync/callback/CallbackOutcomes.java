package io.paysync.callback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Callback counters, tagged by provider. {@code paysync.callbacks.rejected} also carries the
 * reason; the operations issue exposes them on /actuator/prometheus.
 */
@Component
class CallbackMetrics {

    private final MeterRegistry registry;

    CallbackMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void rejected(String provider, String reason) {
        Counter.builder("paysync.callbacks.rejected")
                .description("Callbacks refused, by provider and reason")
                .tag("provider", provider == null ? "unknown" : provider)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
