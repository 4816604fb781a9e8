package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.paysync.support.CuttingTcpProxy;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Delivery to RabbitMQ over AMQP 1.0 (camel-amqp, Qpid JMS; RabbitMQ's {@code rabbitmq_amqp1_0}
 * plugin) — the real broker of this machine, when {@code PAYSYNC_TEST_AMQP_URL} names it
 * ({@code .ci/run} sets it, enables the plugin and fails if this class did not run). The test
 * reads what arrived as a RabbitMQ-native (AMQP 0-9-1) consumer would.
 *
 * <p>Targets use RabbitMQ 3.x addresses: {@code /amq/queue/<queue>} for a queue declared
 * beforehand (durable), {@code /exchange/<exchange>/<routing key>} for an exchange, written
 * {@code amqp:/amq/queue/…} (in {@code amqp:queue:/…} Camel drops the leading slash).
 */
@TestPropertySource(properties = {
        "paysync.downstream.targets.ledger.uri=amqp:/amq/queue/paysync.test.ledger",
        "paysync.downstream.targets.notifications.uri=amqp:/exchange/amq.topic/payments.success",
        "paysync.downstream.targets.notifications.statuses=SUCCESS",
        "paysync.downstream.max-attempts=200",
        "paysync.downstream.max-backoff=PT0.5S"})
class RabbitAmqpDeliveryTests extends BusDeliveryTestSupport {

    static final String LEDGER = "paysync.test.ledger";
    static final String NOTIFICATIONS = "paysync.test.notifications";

    private static final String URL = System.getenv("PAYSYNC_TEST_AMQP_URL");

    /** Between paysync and RabbitMQ (the test's own 0-9-1 reads go straight to the broker). */
    private static final CuttingTcpProxy PROXY = proxy();

    @DynamicPropertySource
    static void rabbitmq(DynamicPropertyRegistry registry) {
        registry.add("paysync.downstream.amqp.url",
                () -> PROXY == null ? "amqp://127.0.0.1:5672" : "amqp://127.0.0.1:" + PROXY.port());
        registry.add("paysync.downstream.amqp.username", () -> "guest");
        registry.add("paysync.downstream.amqp.password", () -> "guest");
    }

    @BeforeAll
    static void queues() throws Exception {
        assumeTrue(URL != null, "PAYSYNC_TEST_AMQP_URL is not set (RabbitMQ with rabbitmq_amqp1_0)");
        try (Connection connection = rabbit(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(LEDGER, true, false, false, null);
            channel.queueDeclare(NOTIFICATIONS, true, false, false, null);
            channel.queueBind(NOTIFICATIONS, "amq.topic", "payments.#");
            channel.queuePurge(LEDGER);
            channel.queuePurge(NOTIFICATIONS);
        }
    }

    @Test
    void eventsArriveAsPersistentJsonMessagesWithTheEventIdAndTheFilteredTargetGetsOnlySuccesses() throws Exception {
        purge();
        List<String> eventIds = List.of(settleMypvit(unique("AMQOK"), "SUCCESS"),
                settleMypvit(unique("AMQKO"), "FAILED"));
        awaitDelivered(eventIds, "ledger");
        awaitDelivered(eventIds.subList(0, 1), "notifications");

        List<GetResponse> ledger = getAll(LEDGER);
        assertThat(ledger).hasSize(2);
        for (GetResponse message : ledger) {
            String eventId = json.readTree(message.getBody()).get("eventId").asText();
            assertThat(eventIds).contains(eventId);
            assertThat(message.getProps().getDeliveryMode()).as("persistent").isEqualTo(2);
            // AMQP 1.0 correlation-id (JMSCorrelationID); the message-id is the client's own
            assertThat(message.getProps().getCorrelationId()).isEqualTo(eventId);
            // a plain JSON body, not an AMQP-encoded value: RabbitMQ-native consumers read it as is
            assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).startsWith("{");
        }
        assertThat(getAll(NOTIFICATIONS)).extracting(this::eventId).containsExactly(eventIds.get(0));
        assertThat(rows(eventIds, "notifications")).containsOnlyKeys(eventIds.get(0));
    }

    @Test
    void cuttingTheBrokerConnectionMidSendLosesNothingAndRedeliversOnlyUnderTheSameId() throws Exception {
        purge();
        holdDeliveries();
        String batch = unique("AK").substring(0, 8);
        List<String> eventIds = settleMypvit(batch, 150);
        awaitWritten(eventIds, "ledger");

        // paysync reaches RabbitMQ through a proxy that cuts the connection twice in the middle of a
        // send, at the 20th and the 120th: the message goes to the broker, its acknowledgement is lost
        CuttingSends cuts = new CuttingSends(Set.of(20, 120));
        camel.getManagementStrategy().addEventNotifier(cuts);
        try {
            resumeDeliveries();
            awaitDelivered(eventIds, "ledger");
            awaitDelivered(eventIds, "notifications");
        } finally {
            camel.getManagementStrategy().removeEventNotifier(cuts);
        }
        assertThat(PROXY.cuts()).as("connections cut in the middle of a send").isEqualTo(2);
        assertThat(rows(eventIds, "ledger").values().stream().filter(row -> row.attempts() > 1).count()
                + rows(eventIds, "notifications").values().stream().filter(row -> row.attempts() > 1).count())
                .as("sends cut (and any after them on the dead connection) sent again").isGreaterThanOrEqualTo(2);

        // RabbitMQ does not de-duplicate: a message whose acknowledgement a cut dropped arrives twice,
        // under its own id, and only for a row that was sent again; each sender sends one at a time, so
        // each cut leaves at most one message per sender in doubt
        int duplicates = duplicatesOfRetriedRows(eventIds, "ledger", LEDGER)
                + duplicatesOfRetriedRows(eventIds, "notifications", NOTIFICATIONS);
        assertThat(duplicates).as("messages received twice").isBetween(1, 2 * senders());
    }

    /** Checks that every event reached the queue, once or, if its row was retried, more; the extra copies. */
    private int duplicatesOfRetriedRows(List<String> eventIds, String target, String queue) throws Exception {
        Map<String, Row> rows = rows(eventIds, target);
        List<String> received = new ArrayList<>();
        for (GetResponse message : getAll(queue)) {
            received.add(eventId(message));
        }
        Map<String, Integer> counts = tally(received, eventIds);
        assertThat(counts.keySet()).as("every event reached " + queue).containsExactlyInAnyOrderElementsOf(eventIds);
        counts.forEach((eventId, count) -> {
            if (count > 1) {
                assertThat(rows.get(eventId).attempts()).as("attempts of %s, received %d times", eventId, count)
                        .isGreaterThanOrEqualTo(count);
            }
        });
        return received.size() - counts.size();
    }

    /** Arms a cut of the broker connection beside chosen sends (numbered from 1) to the broker. */
    private static final class CuttingSends extends EventNotifierSupport {
        private final Set<Integer> cutAtSend;
        private final AtomicInteger sends = new AtomicInteger();

        CuttingSends(Set<Integer> cutAtSend) {
            this.cutAtSend = cutAtSend;
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof ExchangeSendingEvent sending
                    && sending.getEndpoint().getEndpointUri().startsWith("amqp:");
        }

        @Override
        public void notify(CamelEvent event) {
            if (cutAtSend.contains(sends.incrementAndGet())) {
                PROXY.cutAfterNextRequest();
            }
        }
    }

    private String eventId(GetResponse message) {
        try {
            JsonNode body = json.readTree(message.getBody());
            return body.get("eventId").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void purge() throws Exception {
        try (Connection connection = rabbit(); Channel channel = connection.createChannel()) {
            channel.queuePurge(LEDGER);
            channel.queuePurge(NOTIFICATIONS);
        }
    }

    private static List<GetResponse> getAll(String queue) throws Exception {
        List<GetResponse> messages = new ArrayList<>();
        try (Connection connection = rabbit(); Channel channel = connection.createChannel()) {
            GetResponse message;
            while ((message = channel.basicGet(queue, true)) != null) {
                messages.add(message);
            }
        }
        return messages;
    }

    private static Connection rabbit() throws IOException, TimeoutException {
        URI uri = URI.create(URL);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(uri.getHost());
        factory.setUsername("guest");
        factory.setPassword("guest");
        return factory.newConnection("paysync-test");
    }

    private static CuttingTcpProxy proxy() {
        if (URL == null) {
            return null;
        }
        URI uri = URI.create(URL);
        try {
            return new CuttingTcpProxy(uri.getHost(), uri.getPort() < 0 ? 5672 : uri.getPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void closeProxy() throws IOException {
        if (PROXY != null) {
            PROXY.close();
        }
    }
}
