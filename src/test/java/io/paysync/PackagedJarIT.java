package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar runs from any working directory with its built-in routes and defaults, and a
 * {@code routes/} directory in the working directory, when present, is what gets loaded.
 */
class PackagedJarIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path workingDirectory;

    @Test
    void runsFromAnyDirectoryWithThePackagedRoutes() throws Exception {
        try (Running paysync = start()) {
            HttpResponse<String> ack = paysync.post("/callbacks/mypvit",
                    PaysyncHttpTestSupport.mypvit("PAYJAR1", "JAR1", "SUCCESS", "200"));

            assertThat(ack.statusCode()).isEqualTo(200);
            assertThat(ack.body()).isEqualTo("{\"responseCode\":200,\"transactionId\":\"PAYJAR1\"}");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    paysync.get("/api/payments/mypvit/JAR1").body().contains("\"status\":\"SUCCESS\""));
        }
    }

    @Test
    void routesInTheWorkingDirectoryReplaceThePackagedOnes() throws Exception {
        Path routes = Files.createDirectory(workingDirectory.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("paysync.routes")))) {
            for (Path file : files.toList()) {
                String text = Files.readString(file).replace("platform-http:/callbacks/mypvit",
                        "platform-http:/callbacks/mypvit-edited");
                Files.writeString(routes.resolve(file.getFileName()), text);
            }
        }
        try (Running paysync = start()) {
            assertThat(paysync.post("/callbacks/mypvit-edited",
                    PaysyncHttpTestSupport.mypvit("PAYJAR2", "JAR2", "SUCCESS", "200")).statusCode()).isEqualTo(200);
            assertThat(paysync.post("/callbacks/mypvit",
                    PaysyncHttpTestSupport.mypvit("PAYJAR3", "JAR3", "SUCCESS", "200")).statusCode()).isEqualTo(404);
        }
    }

    private Running start() throws IOException {
        int publicPort = freePort();
        int operationsPort = freePort();
        Path log = workingDirectory.resolve("paysync.log");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("paysync.jar"),
                "--paysync.http.port=" + publicPort,
                "--paysync.http.host=127.0.0.1",
                "--server.port=" + operationsPort,
                "--paysync.api.key=jar-key",
                // no MyPVit status API here to confirm the callback with
                "--paysync.providers.mypvit.confirm-callbacks=false"))
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Running running = new Running(process, publicPort, log);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("paysync exited: " + Files.readString(log));
                }
                return healthy(operationsPort);
            });
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
        return running;
    }

    private static boolean healthy(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
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

    record Running(Process process, int port, Path log) implements AutoCloseable {

        HttpResponse<String> post(String path, String json) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("X-Api-Key", "jar-key").build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
