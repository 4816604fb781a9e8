package io.paysync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Callback delivery of the simulators: asynchronous, after the delay, and repeated until the
 * provider's acceptance rule holds (EllyPay: 200; MyPVit: the echoing acknowledgement), at most
 * {@code callback-attempts} times.
 */
class SandboxCallbacksTests {

    static final SandboxProperties SETTINGS = new SandboxProperties(true, Duration.ofMillis(50), 3,
            Duration.ofMillis(50), Duration.ofMinutes(2), false, null);

    private final SandboxCallbacks callbacks = new SandboxCallbacks(SETTINGS);
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        callbacks.destroy();
        if (server != null) {
            server.stop(0);
        }
    }

    /** A callback endpoint answering {@code answer.apply(n)} (status and body) to its n-th request (1-based). */
    private String endpoint(IntFunction<Map.Entry<Integer, String>> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/callbacks/test", exchange -> {
            received.add(exchange.getRequestMethod());
            Map.Entry<Integer, String> reply = answer.apply(received.size());
            byte[] body = reply.getValue().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.getKey(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/callbacks/test?token=secret";
    }

    @Test
    void ellypayStyleDeliveryIsRepeatedOnNon200UntilAccepted() throws IOException {
        String url = endpoint(n -> Map.entry(n < 2 ? 500 : 200, ""));

        callbacks.send(Duration.ofMillis(50), new SandboxCallbacks.Delivery("ellypay", "SUCCESSFUL X", "POST", url,
                "application/json", Map.of(), "{}", SandboxCallbacks.OK_200));

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> received.size() == 2);
        assertThat(received).containsOnly("POST");
    }

    @Test
    void mypvitStyleDeliveryIsRepeatedUntilTheAckEchoesAndGivesUpAfterTheAttempts() throws IOException {
        String url = endpoint(n -> Map.entry(200, "{\"responseCode\":200,\"transactionId\":\"WRONG\"}"));

        callbacks.send(Duration.ZERO, new SandboxCallbacks.Delivery("mypvit", "SUCCESS PAY1", "POST", url,
                "application/json", Map.of(), "{}", response -> SandboxMypvit.echoes(response.statusCode(),
                        response.body(), "PAY1", 200)));

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> received.size() == 3);
    }

    @Test
    void stepsGoOutInOrderEachAfterTheOneBefore() throws IOException {
        String url = endpoint(n -> Map.entry(200, ""));

        callbacks.send(Duration.ZERO, List.of(
                new SandboxCallbacks.Delivery("cinetpay", "ping", "GET", url, null, Map.of(), null, SandboxCallbacks.OK_200),
                new SandboxCallbacks.Delivery("cinetpay", "waiting", "POST", url, "application/x-www-form-urlencoded",
                        Map.of(), "a=b", SandboxCallbacks.OK_200)));

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(received).containsExactly("GET", "POST");
    }

    @Test
    void logsNeverShowTheCallbackToken() {
        assertThat(SandboxCallbacks.path("http://h/callbacks/mypvit?token=secret")).isEqualTo("http://h/callbacks/mypvit");
    }
}
