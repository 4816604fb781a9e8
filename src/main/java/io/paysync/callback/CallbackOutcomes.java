package io.paysync.callback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.paysync.payment.PaymentUpdate;
import io.paysync.system.PaymentMdc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The outcome of every callback, once it is answered: one INFO line (provider, merchant
 * reference, outcome and, for a refusal, its reason) and the counters, tagged by provider:
 * {@code paysync.callbacks.received} (every callback answered: accepted + duplicates + rejected),
 * {@code paysync.callbacks.accepted} (recorded for processing, counted once the inbox row is
 * committed), {@code paysync.callbacks.duplicates} (recorded as a repeat the provider marked,
 * VirtualPay's transaction_reference) and {@code paysync.callbacks.rejected} (also tagged
 * {@code reason}). An availability ping (CinetPay's GET) is not a callback and is not counted.
 */
@Component
class CallbackOutcomes {

    private static final Logger log = LoggerFactory.getLogger(CallbackOutcomes.class);
    static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;

    CallbackOutcomes(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A callback committed to the inbox: accepted, or a duplicate of one accepted before. */
    void recorded(String provider, PaymentUpdate update, boolean duplicate) {
        String outcome = duplicate ? "duplicate" : "accepted";
        count(duplicate ? "paysync.callbacks.duplicates" : "paysync.callbacks.accepted",
                duplicate ? "Callbacks recorded as repeats of one accepted before, by provider"
                        : "Callbacks recorded for processing, by provider", provider);
        PaymentMdc.with(provider, update.merchantReference(), () -> log.info(
                "Callback provider={} merchantReference={} providerReference={} outcome={} status={}", provider,
                orDash(update.merchantReference()), orDash(update.providerReference()), outcome, update.status()));
    }

    /** A refused callback: nothing recorded but the refusal (merchantReference when it was read). */
    void rejected(String provider, String merchantReference, String reason, int status, String detail) {
        String name = provider == null ? UNKNOWN : provider;
        count("paysync.callbacks.rejected", "Callbacks refused, by provider and reason", name, "reason", reason);
        PaymentMdc.with(name, merchantReference, () -> log.info(
                "Callback provider={} merchantReference={} outcome=rejected reason={} httpStatus={} detail={}", name,
                orDash(merchantReference), reason, status, detail));
    }

    private void count(String name, String description, String provider, String... tags) {
        Counter.builder(name).description(description).tag("provider", provider).tags(tags).register(registry)
                .increment();
        Counter.builder("paysync.callbacks.received")
                .description("Callbacks answered (accepted, duplicates and rejected), by provider")
                .tag("provider", provider).register(registry).increment();
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
