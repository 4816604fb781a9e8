package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar runs from any working directory with its built-in routes and defaults, and a
 * {@code routes/} directory in the working directory, when present, is what gets loaded. With its one
 * application context, as in production, its log lines are counted ({@code logback.events}).
 */
class PackagedJarIT {

    private static final String OPS_PASSWORD = "jar-ops";

    @TempDir
    Path workingDirectory;

    @Test
    void runsFromAnyDirectoryWithThePackagedRoutesAndCountsItsLogLines() throws Exception {
        try (PackagedPaysync paysync = PackagedPaysync.start(workingDirectory, "--paysync.ops.password=" + OPS_PASSWORD)) {
            // startup's own INFO lines after the meters were bound: counted already
            double infoLines = infoLines(paysync);
            assertThat(infoLines).isPositive();
            HttpResponse<String> ack = paysync.post("/callbacks/mypvit",
                    PaysyncHttpTestSupport.mypvit("PAYJAR1", "JAR1", "SUCCESS", "200"));

            assertThat(ack.statusCode()).isEqualTo(200);
            assertThat(ack.body()).isEqualTo("{\"responseCode\":200,\"transactionId\":\"PAYJAR1\"}");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    paysync.get("/api/payments/mypvit/JAR1").body().contains("\"status\":\"SUCCESS\""));
            // the callback's INFO line and the settlement's, counted by logback.events (LogEventMetrics)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(infoLines(paysync)).isGreaterThanOrEqualTo(infoLines + 2));
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
        try (PackagedPaysync paysync = start()) {
            assertThat(paysync.post("/callbacks/mypvit-edited",
                    PaysyncHttpTestSupport.mypvit("PAYJAR2", "JAR2", "SUCCESS", "200")).statusCode()).isEqualTo(200);
            assertThat(paysync.post("/callbacks/mypvit",
                    PaysyncHttpTestSupport.mypvit("PAYJAR3", "JAR3", "SUCCESS", "200")).statusCode()).isEqualTo(404);
        }
    }

    private static double infoLines(PackagedPaysync paysync) {
        return paysync.metric(OPS_PASSWORD, "logback_events_total", "level=\"info\"");
    }

    private PackagedPaysync start() throws IOException {
        return PackagedPaysync.start(workingDirectory);
    }
}
