package io.paysync.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyService;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Camel's route metrics — the meters of camel-micrometer's {@code MicrometerRoutePolicyFactory},
 * same names and tags from its default naming strategy: timer {@code camel.route.policy} and
 * counters {@code camel.exchanges.total}, {@code .succeeded}, {@code .failed},
 * {@code .failures.handled} and {@code .external.redeliveries} per route ({@code eventType=route})
 * and for the exchanges the routes take in from outside ({@code eventType=context}, empty
 * {@code routeId}) — kept without the per-exchange cost of Camel's policy: it builds its exchange
 * property names with {@code String.format} twice per route and exchange, route and context level
 * (12 % of the memory intake allocated per callback in a flight recording of the benchmark). Here
 * the meters and the property name are made once per route; per exchange only the start time is
 * kept.
 *
 * <p>Meters are registered when the route is initialised and removed with the route (routes
 * reloaded from ./routes get new ones); the timers too, where Camel's registers them at their first
 * exchange, so an idle route shows a count of 0 rather than no timer. Camel's
 * {@link MicrometerRoutePolicyService} (its JSON dump over JMX) is added as Camel's factory adds it.
 */
final class RouteMetrics implements RoutePolicyFactory {

    private static final MicrometerRoutePolicyNamingStrategy NAMES = MicrometerRoutePolicyNamingStrategy.DEFAULT;
    private static final String START = "paysync.routeMetrics.";

    private final MeterRegistry registry;
    /** The context's meters, made with the first route (guarded by this). */
    private Meters contextMeters;

    RouteMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return new Policy();
    }

    /**
     * The context's meters, and Camel's statistics service in the context, both made once: called as
     * each route is initialised, never per exchange.
     */
    private synchronized Meters contextMeters(CamelContext camel) {
        if (camel.hasService(MicrometerRoutePolicyService.class) == null) {
            MicrometerRoutePolicyService service = new MicrometerRoutePolicyService();
            service.setMeterRegistry(registry);
            service.setMatchingTags(Tags.of("kind", "CamelRoute"));
            try {
                camel.addService(service);
                ServiceHelper.startService(service);
            } catch (Exception e) {
                throw new IllegalStateException("Camel's route metrics service did not start", e);
            }
        }
        if (contextMeters == null) {
            contextMeters = new Meters(registry, NAMES.getName(null), NAMES.getTags(camel),
                    NAMES.getExchangeStatusTags(camel), "CamelContext performance metrics");
        }
        return contextMeters;
    }

    /** One route's meters and start-time property, and the context's meters for its top-level exchanges. */
    private final class Policy extends RoutePolicySupport {

        private String startProperty;
        private Meters routeMeters;
        private Meters context;
        private boolean countTemplates;
        private boolean countKamelets;

        @Override
        public void onInit(Route route) {
            super.onInit(route);
            CamelContext camel = route.getCamelContext();
            ManagementAgent agent = camel.getManagementStrategy().getManagementAgent();
            if (agent != null) {
                countTemplates = Boolean.TRUE.equals(agent.getRegisterRoutesCreateByTemplate());
                countKamelets = Boolean.TRUE.equals(agent.getRegisterRoutesCreateByKamelet());
            }
            context = contextMeters(camel);
            startProperty = START + route.getRouteId();
            routeMeters = new Meters(registry, NAMES.getName(route), NAMES.getTags(route),
                    NAMES.getExchangeStatusTags(route), "Route performance metrics");
        }

        @Override
        public void onRemove(Route route) {
            routeMeters.remove(registry);
            super.onRemove(route);
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            exchange.setProperty(startProperty, registry.config().clock().monotonicTime());
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            Object start = exchange.removeProperty(startProperty);
            if (start instanceof Long begun) {
                long nanos = registry.config().clock().monotonicTime() - begun;
                routeMeters.done(exchange, nanos);
                if (topLevel(exchange)) {
                    context.done(exchange, nanos);
                }
            }
        }

        /** The exchange came into this route from outside, not from another route (Camel's rule for the context meters). */
        private boolean topLevel(Exchange exchange) {
            UnitOfWork unitOfWork = exchange.getUnitOfWork();
            return unitOfWork == null || unitOfWork.routeStackLevel(countTemplates, countKamelets) <= 1;
        }
    }

    /** A timer and the exchange counters of one route or of the context. */
    private static final class Meters {

        private final Timer timer;
        private final Counter total;
        private final Counter succeeded;
        private final Counter failed;
        private final Counter failuresHandled;
        private final Counter externalRedeliveries;

        Meters(MeterRegistry registry, String timerName, Tags timerTags, Tags statusTags, String description) {
            this.timer = Timer.builder(timerName).tags(timerTags).description(description).register(registry);
            this.total = counter(registry, NAMES.getExchangesTotalName(null), statusTags, "Total number of processed exchanges");
            this.succeeded = counter(registry, NAMES.getExchangesSucceededName(null), statusTags,
                    "Number of successfully completed exchanges");
            this.failed = counter(registry, NAMES.getExchangesFailedName(null), statusTags, "Number of failed exchanges");
            this.failuresHandled = counter(registry, NAMES.getFailuresHandledName(null), statusTags,
                    "Number of failures handled");
            this.externalRedeliveries = counter(registry, NAMES.getExternalRedeliveriesName(null), statusTags,
                    "Number of external initiated redeliveries (such as from JMS broker)");
        }

        private static Counter counter(MeterRegistry registry, String name, Tags tags, String description) {
            return Counter.builder(name).tags(tags).description(description).register(registry);
        }

        void done(Exchange exchange, long nanos) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
            total.increment();
            if (exchange.isFailed()) {
                failed.increment();
                return;
            }
            succeeded.increment();
            if (ExchangeHelper.isFailureHandled(exchange)) {
                failuresHandled.increment();
            }
            if (exchange.isExternalRedelivered()) {
                externalRedeliveries.increment();
            }
        }

        void remove(MeterRegistry registry) {
            for (Meter meter : List.of(timer, total, succeeded, failed, failuresHandled, externalRedeliveries)) {
                registry.remove(meter);
            }
        }
    }
}
