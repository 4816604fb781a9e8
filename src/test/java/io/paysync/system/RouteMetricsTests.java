package io.paysync.system;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyService;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.trait.message.MessageTrait;
import org.apache.camel.trait.message.RedeliveryTraitPayload;
import org.junit.jupiter.api.Test;

/**
 * paysync's route metrics against Camel's own route policy: the same exchanges through the same
 * routes give the same meters — names, tags, counts — route by route and for the context, and a
 * removed route takes its meters with it, as with Camel's.
 */
class RouteMetricsTests {

    @Test
    void countsWhatCamelsRoutePolicyCountsUnderTheSameNamesAndTags() throws Exception {
        try (Run camels = new Run(registry -> {
                    MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory();
                    factory.setMeterRegistry(registry);
                    return factory;
                });
                Run ours = new Run(RouteMetrics::new)) {
            camels.send();
            ours.send();

            Map<String, Long> expected = camels.meters();
            assertThat(expected).as("Camel's meters (the scenario reaches every counter)")
                    .containsEntry("camel.exchanges.total{camelContext=metrics,eventType=context,kind=CamelRoute,routeId=}", 8L)
                    .containsEntry("camel.exchanges.failed{camelContext=metrics,eventType=route,kind=CamelRoute,routeId=inner}", 2L)
                    .containsEntry("camel.exchanges.failures.handled{camelContext=metrics,eventType=route,kind=CamelRoute,routeId=guarded}", 2L)
                    .containsEntry("camel.exchanges.external.redeliveries{camelContext=metrics,eventType=route,kind=CamelRoute,routeId=outer}", 1L)
                    .containsEntry("camel.route.policy{camelContext=metrics,eventType=route,kind=CamelRoute,routeId=inner}", 6L)
                    .containsEntry("camel.route.policy{camelContext=metrics,eventType=context,kind=CamelRoute,routeId=}", 8L);
            assertThat(ours.meters()).isEqualTo(expected);
            assertThat(ours.registry.get("camel.route.policy").tag("routeId", "outer").timer().totalTime(NANOSECONDS))
                    .isPositive();
            assertThat(ours.context.hasService(MicrometerRoutePolicyService.class)).isNotNull();

            camels.remove("guarded");
            ours.remove("guarded");
            assertThat(ours.meters()).isEqualTo(camels.meters())
                    .allSatisfy((id, count) -> assertThat(id).doesNotContain("routeId=guarded"));
        }
    }

    /** A CamelContext named "metrics" with the policy factory under test, on a registry of its own. */
    private static final class Run implements AutoCloseable {

        final MeterRegistry registry = new SimpleMeterRegistry();
        final CamelContext context = new DefaultCamelContext();
        private final ProducerTemplate template;

        Run(Function<MeterRegistry, RoutePolicyFactory> policies) throws Exception {
            context.getCamelContextExtension().setName("metrics");
            context.addRoutePolicyFactory(policies.apply(registry));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:outer").routeId("outer").to("direct:inner");
                    from("direct:inner").routeId("inner").process(exchange -> {
                        if ("boom".equals(exchange.getMessage().getBody())) {
                            throw new IllegalStateException("boom");
                        }
                    });
                    from("direct:guarded").routeId("guarded")
                            .onException(IllegalStateException.class).handled(true).end()
                            .throwException(new IllegalStateException("handled"));
                }
            });
            context.start();
            template = context.createProducerTemplate();
        }

        /**
         * Eight exchanges from outside: 4 through outer and inner (one of them redelivered by a
         * broker), 2 failing in inner, 2 failures handled in guarded.
         */
        void send() {
            for (int i = 0; i < 3; i++) {
                template.sendBody("direct:outer", "ok");
            }
            template.send("direct:outer", exchange -> {
                exchange.getMessage().setBody("ok");
                exchange.getMessage().setPayloadForTrait(MessageTrait.REDELIVERY, RedeliveryTraitPayload.IS_REDELIVERY);
            });
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> template.requestBody("direct:outer", "boom")).hasRootCauseMessage("boom");
            }
            for (int i = 0; i < 2; i++) {
                template.sendBody("direct:guarded", "x");
            }
        }

        /** Every meter by id (name and sorted tags): a counter's count, a timer's count. */
        Map<String, Long> meters() {
            Map<String, Long> meters = new TreeMap<>();
            for (Meter meter : registry.getMeters()) {
                long count = meter instanceof Timer timer ? timer.count()
                        : meter instanceof Counter counter ? (long) counter.count() : -1;
                meters.put(meter.getId().getName() + meter.getId().getTags().toString()
                        .replace("tag(", "").replace(")", "").replace("[", "{").replace("]", "}")
                        .replace(" ", ""), count);
            }
            return meters;
        }

        void remove(String routeId) throws Exception {
            context.getRouteController().stopRoute(routeId);
            assertThat(context.removeRoute(routeId)).isTrue();
        }

        @Override
        public void close() throws Exception {
            context.close();
        }
    }
}
