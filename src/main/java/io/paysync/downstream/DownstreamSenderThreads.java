package io.paysync.downstream;

import java.util.concurrent.ExecutorService;

import io.paysync.system.PaysyncProperties;
import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The threads that deliver a claimed batch of events ({@code each-event} in
 * routes/downstream.camel.yaml), {@code paysync.downstream.senders} of them. Each sends one event
 * at a time and records its delivery before it sends the next, so a crash leaves at most one event
 * per sender sent but not recorded (sent again after the restart, same event id). Several senders
 * overlap one delivery's commit with the next send; with one, a batch goes out in id order.
 */
@Configuration(proxyBeanMethods = false)
class DownstreamSenderThreads {

    /** Camel's thread pool: it is shut down with the Camel context, after the routes have stopped. */
    @Bean("downstreamSenders")
    ExecutorService downstreamSenders(CamelContext camel, PaysyncProperties properties) {
        return camel.getExecutorServiceManager().newFixedThreadPool(this, "downstream-sender",
                properties.downstream().senders());
    }
}
