package io.paysync.provider;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.paysync.system.PaysyncProperties;
import org.springframework.stereotype.Component;

/** The providers paysync knows, found through their {@link CallbackMapper} beans. */
@Component
public class Providers {

    private final Map<String, CallbackMapper> mappers;
    private final PaysyncProperties properties;

    Providers(List<CallbackMapper> mappers, PaysyncProperties properties) {
        this.mappers = mappers.stream().collect(Collectors.toUnmodifiableMap(CallbackMapper::provider, Function.identity()));
        this.properties = properties;
    }

    /** False for a provider switched off with {@code paysync.providers.<p>.enabled=false}. */
    public boolean enabled(String provider) {
        return properties.provider(provider).enabled();
    }

    public Optional<CallbackMapper> mapper(String provider) {
        return Optional.ofNullable(provider).map(mappers::get);
    }

    public CallbackMapper require(String provider) {
        return mapper(provider).orElseThrow(() -> new IllegalArgumentException("unknown provider " + provider));
    }

    public SortedSet<String> names() {
        return new TreeSet<>(mappers.keySet());
    }
}
