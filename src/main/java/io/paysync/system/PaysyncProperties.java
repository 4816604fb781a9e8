package io.paysync.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The {@code paysync.*} configuration (CONTRACT §9). YAML routes read the same keys through
 * {@code {{paysync.…}}} placeholders; Java reads them here.
 */
@ConfigurationProperties("paysync")
public record PaysyncProperties(
        @DefaultValue Http http,
        @DefaultValue Api api,
        @DefaultValue Callbacks callbacks,
        @DefaultValue Pipeline pipeline,
        @DefaultValue Downstream downstream,
        Map<String, Provider> providers,
        @DefaultValue(DEFAULT_PUBLIC_BASE_URL) String publicBaseUrl) {

    /** Where providers reach the public port when {@code paysync.public-base-url} is not set. */
    public static final String DEFAULT_PUBLIC_BASE_URL = "http://localhost:8080";

    @ConstructorBinding
    public PaysyncProperties {
        providers = providers == null ? Map.of() : Map.copyOf(providers);
        publicBaseUrl = publicBaseUrl == null || publicBaseUrl.isBlank() ? DEFAULT_PUBLIC_BASE_URL
                : publicBaseUrl.strip().replaceAll("/+$", "");
    }

    /** With the default public base URL (tests). */
    public PaysyncProperties(Http http, Api api, Callbacks callbacks, Pipeline pipeline, Downstream downstream,
            Map<String, Provider> providers) {
        this(http, api, callbacks, pipeline, downstream, providers, null);
    }

    /** The settings of one provider, {@link Provider#DEFAULT} when none are configured. */
    public Provider provider(String name) {
        return providers.getOrDefault(name, Provider.DEFAULT);
    }

    /** The public port (callbacks and merchant API), served by Camel platform-http on Vert.x. */
    public record Http(@DefaultValue("8080") int port, @DefaultValue("0.0.0.0") String host) {
    }

    /** The merchant API key; when blank a random one is generated at start and logged once. */
    public record Api(String key) {

        @Override
        public String toString() {
            return "Api[key=" + redacted(key) + "]";
        }
    }

    public record Callbacks(
            @DefaultValue("64KB") DataSize maxBodySize,
            @DefaultValue List<String> trustedProxies) {
    }

    /** Asynchronous processing of recorded callbacks. */
    public record Pipeline(
            @DefaultValue("4") int consumers,
            @DefaultValue("PT10S") Duration recoveryAfter,
            @DefaultValue("10") int maxAttempts) {
    }

    public record Downstream(
            @DefaultValue("log:paysync.payments") String uri,
            @DefaultValue("12") int maxAttempts,
            @DefaultValue("PT1S") Duration initialBackoff,
            @DefaultValue("PT5M") Duration maxBackoff,
            @DefaultValue("100") int batchSize) {
    }

    public record Provider(
            @DefaultValue("true") boolean enabled,
            String baseUrl,
            String callbackToken,
            @DefaultValue List<String> allowedIps) {

        static final Provider DEFAULT = new Provider(true, null, null, List.of());

        @Override
        public String toString() {
            return "Provider[enabled=" + enabled + ", baseUrl=" + baseUrl + ", callbackToken="
                    + redacted(callbackToken) + ", allowedIps=" + allowedIps + "]";
        }
    }

    /** Secrets never reach a log through toString(). */
    static String redacted(String secret) {
        return secret == null || secret.isEmpty() ? "(none)" : "[redacted]";
    }
}
