package io.paysync.bench;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The HTTP ceiling of {@code scripts/bench.sh}: a constant 200 on the public port, served by the
 * same Camel platform-http engine (Vert.x) and the same JVM as the callback routes, so that the
 * benchmark can report paysync's intake as a share of what the engine does with no work at all.
 *
 * <p>Only with {@code paysync.bench.ceiling-route=true} (the benchmark sets it); never part of a
 * normal run, which is why it is Java here and not a file of {@code routes/}.
 */
@Component
@ConditionalOnProperty(name = "paysync.bench.ceiling-route", havingValue = "true")
class CeilingRoute extends RouteBuilder {

    static final String PATH = "/bench/ceiling";
    static final String BODY = "bench-ceiling";

    @Override
    public void configure() {
        from("platform-http:" + PATH + "?httpMethodRestrict=GET")
                .routeId("bench-ceiling")
                .removeHeaders("*")
                .setHeader(Exchange.CONTENT_TYPE, constant("text/plain"))
                .setBody(constant(BODY));
    }
}
