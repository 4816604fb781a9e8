package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Delivery to ActiveMQ Artemis over JMS (issue 10): a real broker, embedded in the test JVM on a
 * TCP port, reached the way production reaches an external one ({@code spring.artemis.*}).
 * Three targets at once: a queue for everything, a topic filtered by provider and status, and a
 * queue the broker refuses until it is created.
 */
@TestPropertySource(properties = {
        "paysync.downstream.targets.ledger.uri=jms:queue:paysync.ledger",
        "paysync.downstream.targets.notifications.uri=jms:topic:paysync.notifications",
        "paysync.downstream.targets.notifications.statuses=SUCCESS",
        "paysync.downstream.targets.notifications.providers=mypvit,mvola",
        "paysync.downstream.targets.audit.uri=jms:queue:paysync.refused.audit?transacted=true",
        "paysync.downstream.targets.audit.providers=virtualpay",
        // retried long enough for the refused target to be created meanwhile
        "paysync.downstream.max-attempts=200",
        "paysync.downstream.max-backoff=PT0.5S",
        // the embedded broker's audit log: a line per message otherwise
        "logging.level.org.apache.activemq.audit=WARN"})
class ArtemisDeliveryTests extends BusDeliveryTestSupport {

    private static final ObjectMapper READER = new ObjectMapper();
    private static final ConnectionKiller KILLER = new ConnectionKiller();
    private static EmbeddedActiveMQ broker;
    private static String brokerUrl;

    @DynamicPropertySource
    static void artemis(DynamicPropertyRegistry registry) throws Exception {
        startBroker();
        registry.add("spring.artemis.mode", () -> "native");
        registry.add("spring.artemis.broker-url", () -> brokerUrl);
    }

    private static synchronized void startBroker() throws Exception {
        if (broker != null) {
            return;
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        brokerUrl = "tcp://127.0.0.1:" + port;
        Path dir = Files.createTempDirectory("paysync-artemis");
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(false);
        config.setJMXManagementEnabled(false);
        config.setBrokerInstance(dir.toFile());
        config.addAcceptorConfiguration("tcp", brokerUrl);
        // addresses under paysync.refused exist only when a test creates them; the client falls back
        // to the Artemis 1.x name (jms.queue.…) of a missing queue, so that one is refused too
        for (String match : List.of("paysync.refused.#", "jms.queue.paysync.refused.#")) {
            config.addAddressSetting(match,
                    new AddressSettings().setAutoCreateAddresses(false).setAutoCreateQueues(false));
        }
        config.registerBrokerPlugin(KILLER);
        broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
    }

    @Test
    void eachTargetGetsTheEventsItsFiltersTakeAsPersistentMessagesCarryingTheEventId() throws Exception {
        try (Connection connection = openJms()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            receiveAll(session, "paysync.ledger");
            MessageConsumer notifications = session.createConsumer(session.createTopic("paysync.notifications"));

            String paid = settleMypvit(unique("JMSOK"), "SUCCESS");
            String refused = settleMypvit(unique("JMSKO"), "FAILED");
            String vp = unique("JMSVP");
            assertThat(http.json("POST", "/callbacks/virtualpay", virtualpay(vp, "1444624445", "Complete"))
                    .statusCode()).isEqualTo(200);
            List<String> ledgerIds = List.of(paid, refused, "virtualpay:" + vp + ":SUCCESS");
            awaitDelivered(ledgerIds, "ledger");

            List<Message> ledger = receiveAll(session, "paysync.ledger");
            assertThat(ledger).hasSize(3);
            for (Message message : ledger) {
                String eventId = eventId(message);
                assertThat(ledgerIds).contains(eventId);
                assertThat(message.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
                // the broker assigns JMSMessageID itself: the event id travels as correlation id,
                // as Artemis' duplicate-detection id and as the (JMS-encoded) Paysync-Event-Id
                assertThat(message.getJMSCorrelationID()).isEqualTo(eventId);
                assertThat(message.getStringProperty("_AMQ_DUPL_ID")).isEqualTo(eventId);
                assertThat(message.getStringProperty("Paysync_HYPHEN_Event_HYPHEN_Id")).isEqualTo(eventId);
                assertThat(json.readTree(((TextMessage) message).getText()).get("type").asText())
                        .isEqualTo("payment.finalized");
            }

            // notifications: SUCCESS of mypvit or mvola only
            Message notification = notifications.receive(5_000);
            assertThat(notification).isNotNull();
            assertThat(eventId(notification)).isEqualTo(paid);
            assertThat(notifications.receive(500)).isNull();
            assertThat(rows(ledgerIds, "notifications")).containsOnlyKeys(paid);
        }
    }

    @Test
    void aTargetTheBrokerRefusesIsRetriedAndMarkedDeliveredOnlyOnceTheBrokerHasTheMessage() throws Exception {
        String reference = unique("JMSAUD");
        String eventId = "virtualpay:" + reference + ":SUCCESS";
        assertThat(http.json("POST", "/callbacks/virtualpay", virtualpay(reference, "1444624445", "Complete"))
                .statusCode()).isEqualTo(200);

        // the broker has no paysync.refused.audit: every attempt fails, the row stays PENDING
        await().atMost(SETTLED).until(() -> {
            Row row = rows(List.of(eventId), "audit").get(eventId);
            return row != null && row.attempts() >= 2;
        });
        Row refused = rows(List.of(eventId), "audit").get(eventId);
        assertThat(refused.status()).isEqualTo("PENDING");
        assertThat(refused.lastError()).contains("paysync.refused.audit");
        // the other target of the same event is not held up by it
        awaitDelivered(List.of(eventId), "ledger");

        broker.getActiveMQServer().createQueue(QueueConfiguration.of("paysync.refused.audit")
                .setRoutingType(RoutingType.ANYCAST).setDurable(true).setAutoCreateAddress(true));
        awaitDelivered(List.of(eventId), "audit");
        try (Connection connection = openJms()) {
            List<Message> audit = receiveAll(connection.createSession(false, Session.AUTO_ACKNOWLEDGE),
                    "paysync.refused.audit");
            // (the queue may also hold the virtualpay events of the other tests, delivered once it exists)
            assertThat(audit).extracting(ArtemisDeliveryTests::eventId).containsOnlyOnce(eventId);
        }
    }

    @Test
    void killingTheBrokerConnectionMidDeliveryLosesNothingAndTheBrokerDropsSameIdRedeliveries() throws Exception {
        try (Connection connection = openJms()) {
            receiveAll(connection.createSession(false, Session.AUTO_ACKNOWLEDGE), "paysync.ledger");
        }
        holdDeliveries();
        List<String> eventIds = settleMypvit(unique("JK").substring(0, 8), 200);
        awaitWritten(eventIds, "ledger");

        // the hardest moment: the broker has stored the message, and the connection dies before
        // paysync hears so; three times during the batch
        KILLER.arm(3);
        try {
            resumeDeliveries();
            awaitDelivered(eventIds, "ledger");
        } finally {
            KILLER.disarm();
        }

        assertThat(KILLER.kills.get()).as("connections killed after a message was stored").isEqualTo(3);
        Map<String, Row> rows = rows(eventIds, "ledger");
        assertThat(rows.values().stream().filter(row -> row.attempts() > 1).count())
                .as("deliveries cut by a kill (and the next ones, on the dying session) sent again")
                .isGreaterThanOrEqualTo(3);
        // each kill leaves at least the message it cut in doubt, at most one per sender
        assertThat(KILLER.duplicates.get()).as("same-id redeliveries the broker recognised and dropped")
                .isBetween(3, 3 * senders());
        List<String> received = new ArrayList<>();
        try (Connection connection = openJms()) {
            for (Message message : receiveAll(connection.createSession(false, Session.AUTO_ACKNOWLEDGE),
                    "paysync.ledger")) {
                received.add(eventId(message));
            }
        }
        Map<String, Integer> counts = tally(received, eventIds);
        assertThat(counts.keySet()).as("every event reached the queue").containsExactlyInAnyOrderElementsOf(eventIds);
        assertThat(counts.values()).as("messages per event").containsOnly(1);
    }

    /**
     * A broker plugin that kills the sending connection right after the broker stored a message
     * to paysync.ledger, before the acknowledgement leaves (every 40th message while armed), and
     * counts the sends the broker dropped as duplicates (same {@code _AMQ_DUPL_ID}).
     */
    static final class ConnectionKiller implements ActiveMQServerMessagePlugin {

        final AtomicInteger kills = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        private final AtomicInteger stored = new AtomicInteger();
        private volatile int budget;

        void arm(int times) {
            kills.set(0);
            duplicates.set(0);
            stored.set(0);
            budget = times;
        }

        void disarm() {
            budget = 0;
        }

        @Override
        public void afterSend(ServerSession session, Transaction tx, org.apache.activemq.artemis.api.core.Message message,
                boolean direct, boolean noAutoCreateQueue, RoutingStatus result) {
            if (budget == 0 || !"paysync.ledger".equals(message.getAddress())) {
                return;
            }
            if (result == RoutingStatus.DUPLICATED_ID) {
                duplicates.incrementAndGet();
            } else if (stored.incrementAndGet() % 40 == 20 && kills.get() < budget) {
                kills.incrementAndGet();
                session.getRemotingConnection().fail(
                        new ActiveMQNotConnectedException("connection killed by the test after the message was stored"));
            }
        }
    }

    private static Connection openJms() throws JMSException {
        Connection connection = new ActiveMQConnectionFactory(brokerUrl).createConnection();
        connection.start();
        return connection;
    }

    private static List<Message> receiveAll(Session session, String queue) throws JMSException {
        List<Message> messages = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message message;
            while ((message = consumer.receive(1_000)) != null) {
                messages.add(message);
            }
        }
        return messages;
    }

    private static String eventId(Message message) {
        try {
            JsonNode body = READER.readTree(((TextMessage) message).getText());
            return body.get("eventId").asText();
        } catch (JMSException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
