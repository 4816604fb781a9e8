package io.paysync.provider;

import java.time.Instant;
import java.util.function.Predicate;

/**
 * Where a provider's API secret is kept when every renewal makes the previous secret obsolete
 * (MyPVit's X-Secret, PROVIDERS.md §1.1): one renewer at a time, and what it renewed is what the
 * others use. {@link DatabaseProviderSecrets} shares it between all instances on one database;
 * {@link #inMemory()} keeps it in this JVM (tests, a client built by hand).
 *
 * <p>A client keeps its own copy in memory and comes here only when that copy is about to expire
 * or was refused.
 */
public interface ProviderSecrets {

    /** The longest secret that can be kept. */
    int MAX_LENGTH = 1000;

    /** The secret kept for {@code provider}, or null when there is none. */
    Secret stored(String provider);

    /**
     * The secret kept for {@code provider} when {@code keep} accepts it — someone renewed it while we
     * waited — otherwise the one {@code renewal} gives, kept from then on. One renewal at a time per
     * provider (per database for {@link DatabaseProviderSecrets}); the renewal's own failure is
     * thrown as it is, and nothing is kept.
     */
    <X extends Exception> Secret renewUnless(String provider, Predicate<Secret> keep, Renewal<X> renewal) throws X;

    /** Asks the provider for a new secret. */
    @FunctionalInterface
    interface Renewal<X extends Exception> {

        Secret renew() throws X;
    }

    /** A secret and when the provider said it expires. Its value is never logged. */
    record Secret(String value, Instant expiresAt) {

        public Secret {
            if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || expiresAt == null) {
                throw new IllegalArgumentException("a secret of 1 to " + MAX_LENGTH
                        + " characters and its expiry are required");
            }
        }

        @Override
        public String toString() {
            return "Secret[expiresAt=" + expiresAt + "]";
        }
    }

    /** Secrets kept in this JVM only: what one instance alone needs. */
    static ProviderSecrets inMemory() {
        return new InMemoryProviderSecrets();
    }
}
