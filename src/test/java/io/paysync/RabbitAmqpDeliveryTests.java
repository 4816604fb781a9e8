package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
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

    @DynamicPropertySource
    static void rabbitmq(DynamicPropertyRegistry registry) {
        registry.add("paysync.downstream.amqp.url", () -> URL == null ? "amqp://127.0.0.1:5672" : URL);
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
    void killingTheBrokerConnectionsMidDeliveryLosesNothingAndRedeliversOnlyUnderTheSameId() throws Exception {
        purge();
        holdDeliveries();
        String batch = unique("AK").substring(0, 8);
        List<String> eventIds = settleMypvit(batch, 150);
        awaitWritten(eventIds, "ledger");

        resumeDeliveries();
        // every client connection on the broker closed, twice while the batch is on its way (after
        // 20 more deliveries each time). Whether a kill lands inside a send, between the broker
        // storing a message and paysync hearing so, is down to timing here; ArtemisDeliveryTests
        // cuts exactly there, deterministically
        AtomicInteger kills = new AtomicInteger();
        AtomicInteger lastKillAt = new AtomicInteger();
        await().atMost(DELIVERED).pollInterval(Duration.ofMillis(20)).until(() -> {
            int delivered = delivered(batch, "ledger");
            if (kills.get() < 2 && delivered >= lastKillAt.get() + 20 && delivered < eventIds.size()) {
                rabbitmqctl("close_all_connections", "killed by the test");
                kills.incrementAndGet();
                lastKillAt.set(delivered(batch, "ledger"));
            }
            return delivered == eventIds.size();
        });
        assertThat(kills.get()).as("kills while the batch was being delivered").isEqualTo(2);

        Map<String, Row> rows = rows(eventIds, "ledger");
        List<String> received = new ArrayList<>();
        for (GetResponse message : getAll(LEDGER)) {
            received.add(eventId(message));
        }
        Map<String, Integer> counts = tally(received, eventIds);
        assertThat(counts.keySet()).as("every event reached the queue").containsExactlyInAnyOrderElementsOf(eventIds);
        // RabbitMQ does not de-duplicate: an event may arrive twice when a kill cut the broker's
        // acknowledgement of a message it had stored; then only under its own id, and only if retried
        counts.forEach((eventId, count) -> {
            if (count > 1) {
                assertThat(rows.get(eventId).attempts()).as("attempts of %s, received %d times", eventId, count)
                        .isGreaterThanOrEqualTo(count);
            }
        });
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

    private static void rabbitmqctl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
