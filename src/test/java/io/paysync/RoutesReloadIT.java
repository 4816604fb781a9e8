package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev profile reloads {@code routes/} while paysync runs (issue 7): an edited file, a new file and
 * a broken file and a deleted file, each without a restart and without losing the routes of the other files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutesReloadIT {

    static final Duration RELOAD = Duration.ofSeconds(30);

    @TempDir
    static Path workingDirectory;

    static Path routes;
    static PackagedPaysync paysync;

    @BeforeAll
    static void start() throws Exception {
        routes = Files.createDirectory(workingDirectory.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("paysync.routes")))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        paysync = PackagedPaysync.start(workingDirectory, "--spring.profiles.active=dev");
    }

    @AfterAll
    static void stop() {
        if (paysync != null) {
            paysync.close();
        }
    }

    @Test
    @Order(1)
    void anEditedFileIsLoadedAndTheOtherFilesKeepRunning() throws Exception {
        Path file = routes.resolve("callback-mypvit.camel.yaml");
        Files.writeString(file, Files.readString(file)
                .replace("platform-http:/callbacks/mypvit", "platform-http:/callbacks/mypvit-v2"));

        await().atMost(RELOAD).until(() -> status("/callbacks/mypvit-v2", mypvit("RELOAD1")) == 200);
        assertThat(status("/callbacks/mypvit", mypvit("RELOAD2"))).isEqualTo(404);
        // routes of other files, and the pipeline behind the edited one, still work
        assertThat(status("/callbacks/mvola", "{}")).isNotEqualTo(404);
        await().atMost(RELOAD).until(() -> paysync.get("/api/payments/mypvit/RELOAD1").body()
                .contains("\"status\":\"SUCCESS\""));
    }

    @Test
    @Order(2)
    void aNewFileIsLoadedNextToTheOthers() throws Exception {
        Files.writeString(routes.resolve("ping.camel.yaml"), """
                - route:
                    id: ping
                    from:
                      uri: platform-http:/ping
                      steps:
                        - setBody:
                            constant: pong
                """);

        await().atMost(RELOAD).until(() -> status("/ping", "") == 200);
        assertThat(status("/callbacks/mypvit-v2", mypvit("RELOAD3"))).isEqualTo(200);
        assertThat(paysync.get("/api/payments?limit=1").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aBrokenFileLeavesTheOtherRoutesRunning() throws Exception {
        Files.writeString(routes.resolve("ping.camel.yaml"), "- route:\n    id: ping\n    from: [unclosed\n");

        await().atMost(RELOAD).until(() -> Files.readString(paysync.log()).contains("Cannot load the routes of"));
        // the broken file's route stops; the routes of every other file run again. The log line comes
        // before the second load (remove all, load the good files): wait for that load to finish
        await().atMost(RELOAD).until(() -> status("/callbacks/mypvit-v2", mypvit("RELOAD4")) == 200
                && paysync.get("/api/payments?limit=1").statusCode() == 200);
        assertThat(status("/ping", "")).isEqualTo(404);
    }

    @Test
    @Order(4)
    void aDeletedFileIsGoneAndTheOthersRunOn() throws Exception {
        long reloadsBefore = reloads();
        Files.delete(routes.resolve("ping.camel.yaml"));

        await().atMost(RELOAD).until(() -> reloads() > reloadsBefore);
        await().atMost(RELOAD).until(() -> status("/callbacks/mypvit-v2", mypvit("RELOAD5")) == 200);
        assertThat(status("/ping", "")).isEqualTo(404);
    }

    private static long reloads() throws Exception {
        return Files.readAllLines(paysync.log()).stream().filter(line -> line.contains("Reloaded ")).count();
    }

    private static String mypvit(String reference) {
        return PaysyncHttpTestSupport.mypvit("PAY" + reference, reference, "SUCCESS", "200");
    }

    private static int status(String path, String body) throws Exception {
        return paysync.post(path, body).statusCode();
    }
}
