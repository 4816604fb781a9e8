package io.paysync.system;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Camel's part of the metrics and logs, set up before the routes are built: a Micrometer route
 * policy on every route (timer {@code camel.route.policy} and exchange counters per
 * {@code routeId}, in Spring's registry, so on /actuator/prometheus; {@link RouteMetrics}) and the
 * payment MDC around every route step ({@link PaymentMdc}).
 */
@Configuration(proxyBeanMethods = false)
class CamelObservability {

    @Bean
    CamelContextConfiguration routeMetricsAndPaymentMdc(MeterRegistry registry) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                camelContext.addRoutePolicyFactory(new RouteMetrics(registry));
                camelContext.getCamelContextExtension().addInterceptStrategy(PaymentMdc.interceptStrategy());
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing to do once started
            }
        };
    }
}
