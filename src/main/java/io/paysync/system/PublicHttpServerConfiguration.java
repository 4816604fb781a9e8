package io.paysync.system;

import java.util.List;

import io.vertx.core.VertxOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves the public port (callbacks, merchant API) with Camel platform-http on Vert.x.
 *
 * <p>There is no Spring Boot starter for the Vert.x engine: the server is added to the
 * CamelContext as a service before it starts, and the engine is found through
 * {@code META-INF/services/org/apache/camel/platform-http-engine}. The servlet engine of
 * {@code camel-platform-http-starter} must stay off the classpath, it would win.
 */
@Configuration(proxyBeanMethods = false)
class PublicHttpServerConfiguration {

    /**
     * The options of the Vert.x instance the server creates (it takes the registry's single
     * {@link VertxOptions}): the worker pool every request's route runs on.
     */
    @Bean
    VertxOptions publicHttpVertxOptions(PaysyncProperties properties) {
        return new VertxOptions().setWorkerPoolSize(properties.http().workerThreads());
    }

    @Bean
    CamelContextConfiguration publicHttpServer(PaysyncProperties properties, List<PublicHttpGuard> guards) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
                configuration.setBindHost(properties.http().host());
                configuration.setBindPort(properties.http().port());
                // enforced while reading: a body over the limit is never buffered whole
                configuration.setMaxBodySize(properties.callbacks().maxBodySize().toBytes());
                try {
                    camelContext.addService(new VertxPlatformHttpServer(configuration), true, true);
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot start the public HTTP server on port "
                            + properties.http().port(), e);
                }
            }

            /**
             * Guards run before the body handler and the Camel routes, or after them. The router
             * exists once the server has started; until the guards are in, the body limit still
             * holds (the body handler enforces it), refusals are only less precise.
             */
            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                VertxPlatformHttpRouter router = camelContext.getRegistry()
                        .findSingleByType(VertxPlatformHttpRouter.class);
                guards.forEach(guard -> {
                    if (guard.onFailure()) {
                        router.route(guard.path()).order(guard.order()).failureHandler(guard);
                    } else {
                        router.route(guard.path()).order(guard.order()).handler(guard);
                    }
                });
            }
        };
    }
}
