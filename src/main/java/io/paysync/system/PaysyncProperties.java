package io.paysync.system;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
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

    /**
     * The public port (callbacks and merchant API), served by Camel platform-http on Vert.x.
     * {@code workerThreads}: Vert.x's worker pool, on which every request's route runs (Vert.x's own
     * default, 20); on a small machine fewer leave the pipeline more of the cores during a burst,
     * at the cost of intake's rate (see README, Benchmark).
     */
    public record Http(@DefaultValue("8080") int port, @DefaultValue("0.0.0.0") String host,
            @DefaultValue("20") int workerThreads) {

        public Http {
            if (workerThreads < 1) {
                throw new IllegalArgumentException("paysync.http.worker-threads must be at least 1, not " + workerThreads);
            }
        }
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
            @DefaultValue("2") int consumers,
            @DefaultValue("PT10S") Duration recoveryAfter,
            @DefaultValue("10") int maxAttempts,
            @DefaultValue("50") int batchSize) {

        public Pipeline {
            if (batchSize < 1) {
                throw new IllegalArgumentException("paysync.pipeline.batch-size must be at least 1, not " + batchSize);
            }
        }
    }

    /**
     * The hand-off to the service bus (CONTRACT §4). {@code uri} is the one target, named
     * {@value #DEFAULT_TARGET}, while {@code targets} is empty; {@code targets} names several
     * targets at once, each with its own filters, and replaces {@code uri}. {@code amqp} is the
     * connection of the {@code amqp:} component (AMQP 1.0).
     */
    public record Downstream(
            @DefaultValue("log:paysync.payments") String uri,
            @DefaultValue("12") int maxAttempts,
            @DefaultValue("PT1S") Duration initialBackoff,
            @DefaultValue("PT5M") Duration maxBackoff,
            @DefaultValue("100") int batchSize,
            @DefaultValue("2") int senders,
            Map<String, Target> targets,
            @DefaultValue Amqp amqp) {

        /** The name of the target {@code paysync.downstream.uri}. */
        public static final String DEFAULT_TARGET = "default";

        @ConstructorBinding
        public Downstream {
            if (senders < 1) {
                throw new IllegalArgumentException("paysync.downstream.senders must be at least 1, not " + senders);
            }
            targets = targets == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(targets));
            amqp = amqp == null ? new Amqp(Amqp.DEFAULT_URL, null, null, null) : amqp;
        }

        /** One target, {@code uri}, one sender, no AMQP settings (tests). */
        public Downstream(String uri, int maxAttempts, Duration initialBackoff, Duration maxBackoff, int batchSize) {
            this(uri, maxAttempts, initialBackoff, maxBackoff, batchSize, 1, null, null);
        }
    }

    /**
     * One downstream target: a Camel endpoint URI and the events it takes. An empty filter takes
     * everything; {@code providers} are provider names, {@code statuses} final statuses.
     */
    public record Target(String uri, @DefaultValue List<String> providers, @DefaultValue List<String> statuses) {

        public Target {
            providers = providers == null ? List.of() : List.copyOf(providers);
            statuses = statuses == null ? List.of() : List.copyOf(statuses);
        }
    }

    /** The AMQP 1.0 connection of {@code amqp:} targets (Qpid JMS URL, e.g. amqp://host:5672). */
    public record Amqp(@DefaultValue(Amqp.DEFAULT_URL) String url, String username, String password,
            @DefaultValue("PT10S") Duration timeout) {

        public static final String DEFAULT_URL = "amqp://localhost:5672";

        public Amqp {
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        }

        @Override
        public String toString() {
            return "Amqp[url=" + url + ", username=" + username + ", password=" + redacted(password) + ", timeout="
                    + timeout + "]";
        }
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
