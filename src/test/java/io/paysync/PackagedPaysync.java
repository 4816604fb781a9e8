package io.paysync;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar ({@code paysync.jar}, set by failsafe) started as its own process in a working
 * directory, on free ports, for the integration tests that must see the real thing.
 */
record PackagedPaysync(Process process, int publicPort, int operationsPort, Path log) implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String API_KEY = "jar-key";

    static PackagedPaysync start(Path workingDirectory, String... extraArguments) throws IOException {
        int publicPort = freePort();
        int operationsPort = freePort();
        Path log = workingDirectory.resolve("paysync.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("paysync.jar"),
                "--paysync.http.port=" + publicPort,
                "--paysync.http.host=127.0.0.1",
                "--server.port=" + operationsPort,
                "--paysync.api.key=" + API_KEY,
                // no provider credentials: sandbox mode, but without the demo's background payments,
                // which the tests' counters and route reloads would see
                "--paysync.sandbox.demo-on-start=false"));
        List<String> extra = List.of(extraArguments);
        // no MyPVit status API here to confirm the callback with, unless the test brings one
        if (extra.stream().noneMatch(argument -> argument.startsWith("--paysync.providers.mypvit.confirm-callbacks="))) {
            command.add("--paysync.providers.mypvit.confirm-callbacks=false");
        }
        command.addAll(extra);
        Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PackagedPaysync running = new PackagedPaysync(process, publicPort, operationsPort, log);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("paysync exited: " + Files.readString(log));
                }
                return running.healthy();
            });
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
        return running;
    }

    String operationsUrl(String path) {
        return "http://127.0.0.1:" + operationsPort + path;
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publicPort + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publicPort + path))
                .header("X-Api-Key", API_KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Quick to give up: a drill may have killed or stopped the instance. */
    private static final HttpClient SCRAPER = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * The first sample on /actuator/prometheus of {@code name} whose labels contain {@code labels}
     * (none: the unlabelled series), read as the ops user with the password the test started paysync
     * with; -1 when it cannot be read.
     */
    double metric(String opsPassword, String name, String labels) {
        try {
            String basic = Base64.getEncoder().encodeToString(("ops:" + opsPassword).getBytes(StandardCharsets.UTF_8));
            String text = SCRAPER.send(HttpRequest.newBuilder(URI.create(operationsUrl("/actuator/prometheus")))
                            .header("Authorization", "Basic " + basic).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(line -> line.startsWith(name + (labels.isEmpty() ? " " : "{"))
                            && line.contains(labels)).findFirst()
                    .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).orElse(-1.0);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private boolean healthy() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(operationsUrl("/actuator/health"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
