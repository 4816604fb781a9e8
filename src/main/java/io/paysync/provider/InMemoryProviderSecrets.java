package io.paysync.provider;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/** {@link ProviderSecrets} in this JVM: renewals serialised by a monitor. */
final class InMemoryProviderSecrets implements ProviderSecrets {

    private final Map<String, Secret> secrets = new HashMap<>();

    @Override
    public synchronized Secret stored(String provider) {
        return secrets.get(provider);
    }

    @Override
    public synchronized <X extends Exception> Secret renewUnless(String provider, Predicate<Secret> keep,
            Renewal<X> renewal) throws X {
        Secret current = secrets.get(provider);
        if (current != null && keep.test(current)) {
            return current;
        }
        Secret renewed = renewal.renew();
        secrets.put(provider, renewed);
        return renewed;
    }
}
