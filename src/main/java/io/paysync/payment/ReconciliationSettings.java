package io.paysync.payment;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reconciliation schedule (CONTRACT §7): {@code paysync.reconciliation.*} and the
 * per-provider {@code paysync.providers.<p>.first-check-after}.
 */
@ConfigurationProperties("paysync")
public record ReconciliationSettings(@DefaultValue Reconciliation reconciliation, Map<String, Provider> providers) {

    public ReconciliationSettings {
        providers = providers == null ? Map.of() : Map.copyOf(providers);
    }

    /**
     * @param firstCheckAfter a PENDING payment is first checked this long after it was created
     * @param interval        then again after this, doubling up to {@code 4 × interval}
     * @param giveUpAfter     after this (since creation) it becomes UNCERTAIN and polling stops
     * @param cron            when the reconciliation route looks for due payments (Quartz)
     * @param batchSize       at most this many payments per run
     */
    public record Reconciliation(
            @DefaultValue("PT60S") Duration firstCheckAfter,
            @DefaultValue("PT5M") Duration interval,
            @DefaultValue("PT24H") Duration giveUpAfter,
            @DefaultValue("0/15 * * * * ?") String cron,
            @DefaultValue("50") int batchSize) {
    }

    /**
     * @param firstCheckAfter  a provider's own first check delay, when configured (honoured as given)
     * @param confirmCallbacks false: final statuses of this provider's unsigned callbacks count
     *                         without confirmation by a status check (default true)
     */
    public record Provider(Duration firstCheckAfter, Boolean confirmCallbacks) {
    }

    public boolean confirmCallbacks(String provider) {
        Provider settings = providers.get(provider);
        return settings == null || settings.confirmCallbacks() == null || settings.confirmCallbacks();
    }

    public Duration firstCheckAfter(String provider) {
        Provider settings = providers.get(provider);
        return settings == null ? null : settings.firstCheckAfter();
    }
}
