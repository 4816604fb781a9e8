package io.paysync.downstream;

import io.paysync.system.PaysyncProperties;
import org.apache.camel.component.amqp.AMQPComponent;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The {@code amqp:} component of AMQP 1.0 targets (RabbitMQ's AMQP 1.0 plugin, Artemis, Azure
 * Service Bus…), connected through Qpid JMS to {@code paysync.downstream.amqp.url} with its
 * username and password. One connection, kept open and reopened after a failure, with cached
 * sessions and producers (Spring's {@link CachingConnectionFactory}).
 *
 * <p>The connection factory is deliberately not a Spring bean: a second {@code ConnectionFactory}
 * bean would switch off Spring Boot's Artemis connection factory (the {@code jms:} component's)
 * and leave Camel unable to choose between them. For the same reason the {@code amqp} component
 * is always defined here, so that it never picks up the Artemis factory by autowiring.
 *
 * <p>Sends are persistent and synchronous (Qpid JMS waits for the broker's disposition of a
 * persistent message outside a transaction), so a send returns only once the broker has the
 * message: the outbox marks a row delivered after that.
 */
@Configuration(proxyBeanMethods = false)
class AmqpConnection implements DisposableBean {

    private final CachingConnectionFactory connections;

    AmqpConnection(PaysyncProperties properties) {
        PaysyncProperties.Amqp settings = properties.downstream().amqp();
        JmsConnectionFactory qpid = new JmsConnectionFactory(settings.username(), settings.password(),
                settings.url());
        // Qpid waits forever by default for a link to open or a send to settle: a broker that never
        // answers (RabbitMQ 3.x refusing a link does exactly that) would stall every delivery
        if (!settings.url().contains("jms.requestTimeout")) {
            qpid.setRequestTimeout(settings.timeout().toMillis());
        }
        if (!settings.url().contains("jms.sendTimeout")) {
            qpid.setSendTimeout(settings.timeout().toMillis());
        }
        connections = new CachingConnectionFactory(qpid);
        connections.setReconnectOnException(true);
    }

    @Bean("amqp")
    AMQPComponent amqp() {
        return new AMQPComponent(connections);
    }

    @Override
    public void destroy() {
        connections.destroy();
    }
}
