package io.paysync.downstream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.paysync.payment.Payment;
import io.paysync.payment.PaymentStatus;
import io.paysync.provider.Providers;
import io.paysync.system.PaysyncProperties;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.stereotype.Component;

/**
 * The downstream targets (CONTRACT §4): {@code paysync.downstream.uri} as the one target named
 * {@code default}, or the named {@code paysync.downstream.targets}, each with filters by provider
 * and final status. Checked at start: a bad name, an empty URI, an unknown provider or a status
 * that is not final stops paysync with a message naming the setting.
 *
 * <p>Each target gets its own outbox row per event, so one target being down delays only its own
 * deliveries, and each is retried and dead-lettered on its own.
 */
@Component
public class DownstreamTargets {

    private static final Logger log = LoggerFactory.getLogger(DownstreamTargets.class);

    /** Target names: they are stored with each outbox row and appear in metrics. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}");
    private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*");

    /** Schemes whose messages are JMS messages (camel-jms, camel-amqp). */
    private static final Set<String> JMS_SCHEMES = Set.of("jms", "amqp");

    /** One target as configured and checked. */
    public record Target(String name, String uri, Set<String> providers, Set<PaymentStatus> statuses) {

        /** Whether this target takes the final outcome of the payment. */
        public boolean takes(Payment payment) {
            return (providers.isEmpty() || providers.contains(payment.provider()))
                    && (statuses.isEmpty() || statuses.contains(payment.status()));
        }

        /** Whether messages to this target are JMS messages (JMSCorrelationID and friends apply). */
        public boolean jms() {
            int colon = uri.indexOf(':');
            return colon > 0 && JMS_SCHEMES.contains(uri.substring(0, colon));
        }

        /** Whether messages to this target go out over AMQP 1.0 (camel-amqp). */
        public boolean amqp() {
            return uri.startsWith("amqp:");
        }

        @Override
        public String toString() {
            return name + " → " + URISupport.sanitizeUri(uri) + " (providers " + (providers.isEmpty() ? "all" : providers)
                    + ", statuses " + (statuses.isEmpty() ? "all final" : statuses) + ")";
        }
    }

    private final Map<String, Target> targets;

    /** Where Camel finds a component by its scheme when no bean of that name stands in for it. */
    private static final String COMPONENT_DESCRIPTORS = "META-INF/services/org/apache/camel/component/";

    DownstreamTargets(PaysyncProperties properties, Providers providers, ListableBeanFactory beans) {
        this.targets = resolve(properties.downstream(), providers.names(), scheme -> inBuild(beans, scheme));
        log.info("Downstream targets: {}", targets.values());
    }

    /** Whether Camel finds a component for the scheme: a bean of that name, or the component's jar. */
    static boolean inBuild(ListableBeanFactory beans, String scheme) {
        return beans.containsBean(scheme)
                || DownstreamTargets.class.getClassLoader().getResource(COMPONENT_DESCRIPTORS + scheme) != null;
    }

    /**
     * @param components whether this build has the Camel component of a scheme (a bean of that name,
     *     or the component's jar): a target without one would fail every delivery until it is a dead letter
     */
    static Map<String, Target> resolve(PaysyncProperties.Downstream settings, Set<String> knownProviders,
            Predicate<String> components) {
        Map<String, PaysyncProperties.Target> configured = settings.targets();
        Map<String, Target> resolved = new LinkedHashMap<>();
        if (configured.isEmpty()) {
            resolved.put(PaysyncProperties.Downstream.DEFAULT_TARGET, check("paysync.downstream",
                    PaysyncProperties.Downstream.DEFAULT_TARGET, new PaysyncProperties.Target(settings.uri(), null, null),
                    knownProviders, components));
        }
        configured.forEach((name, target) -> resolved.put(name,
                check("paysync.downstream.targets." + name, name, target, knownProviders, components)));
        return Collections.unmodifiableMap(resolved);
    }

    /** @param key the settings' prefix, for messages */
    private static Target check(String key, String name, PaysyncProperties.Target target, Set<String> knownProviders,
            Predicate<String> components) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalStateException(key + ": a target name is 1 to 100 characters a-z, 0-9, '-' or '_', "
                    + "starting with a letter or digit");
        }
        if (target == null || target.uri() == null || target.uri().isBlank()) {
            throw new IllegalStateException(key + ".uri is missing: every target needs a Camel endpoint URI");
        }
        String uri = target.uri().strip();
        int colon = uri.indexOf(':');
        String scheme = colon > 0 ? uri.substring(0, colon) : null;
        if (scheme == null || !SCHEME.matcher(scheme).matches()) {
            throw new IllegalStateException(key + ".uri: '" + URISupport.sanitizeUri(uri)
                    + "' is not a Camel endpoint URI (component:…, e.g. http://host/events or jms:queue:payments)");
        }
        if (!components.test(scheme)) {
            throw new IllegalStateException(key + ".uri: this build of paysync has no Camel component '" + scheme
                    + "' (add its camel-" + scheme + "-starter to pom.xml)");
        }
        Set<String> providers = new TreeSet<>();
        for (String provider : target.providers()) {
            String normalized = provider.strip().toLowerCase(Locale.ROOT);
            if (!knownProviders.contains(normalized)) {
                throw new IllegalStateException(key + ".providers: unknown provider '" + provider + "' (known: "
                        + knownProviders + ")");
            }
            providers.add(normalized);
        }
        Set<PaymentStatus> statuses = EnumSet.noneOf(PaymentStatus.class);
        for (String status : target.statuses()) {
            PaymentStatus parsed = finalStatus(status);
            if (parsed == null) {
                throw new IllegalStateException(key + ".statuses: '" + status + "' is not a final status (one of "
                        + finalStatuses() + ")");
            }
            statuses.add(parsed);
        }
        return new Target(name, uri, Collections.unmodifiableSet(providers),
                Collections.unmodifiableSet(statuses));
    }

    private static PaymentStatus finalStatus(String status) {
        for (PaymentStatus candidate : PaymentStatus.values()) {
            if (candidate.isFinal() && candidate.name().equalsIgnoreCase(status.strip())) {
                return candidate;
            }
        }
        return null;
    }

    private static List<PaymentStatus> finalStatuses() {
        return EnumSet.allOf(PaymentStatus.class).stream().filter(PaymentStatus::isFinal).toList();
    }

    /** The targets that take this payment's final outcome, in configuration order. */
    public List<Target> taking(Payment payment) {
        List<Target> taking = new ArrayList<>();
        for (Target target : targets.values()) {
            if (target.takes(payment)) {
                taking.add(target);
            }
        }
        return taking;
    }

    /** The target of that name; empty when it is no longer configured (rows written before a change). */
    public Optional<Target> named(String name) {
        return Optional.ofNullable(targets.get(name));
    }

    public List<Target> all() {
        return List.copyOf(targets.values());
    }
}
