package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.paysync.support.CleanDatabase;
import io.paysync.support.Postgres;
import io.paysync.support.PublicPort;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Nothing acknowledged is lost: callbacks answered 200 while the pipeline could not process them
 * (its consumer stopped, as in a crash right after the acknowledgement) are processed and
 * delivered downstream once paysync starts again on the same database.
 */
class CrashRecoveryTests {

    static final int CALLBACKS = 12;

    @Test
    void acknowledgedButUnprocessedCallbacksAreProcessedAfterRestartOnH2() throws Exception {
        String file = "./target/crash-" + UUID.randomUUID();
        restartKeepsAcknowledgedCallbacks(Map.of("spring.datasource.url", "jdbc:h2:file:" + file
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"), Map.of());
    }

    @Test
    @EnabledIfEnvironmentVariable(named = Postgres.URL_VARIABLE, matches = ".+")
    void acknowledgedButUnprocessedCallbacksAreProcessedAfterRestartOnPostgres() throws Exception {
        Map<String, String> database = new LinkedHashMap<>(Postgres.properties("paysync_crash"));
        database.remove("paysync.test.clean-database");
        restartKeepsAcknowledgedCallbacks(database, Map.of("paysync.test.clean-database", "true"));
    }

    private void restartKeepsAcknowledgedCallbacks(Map<String, String> database, Map<String, String> firstRunOnly)
            throws Exception {
        List<String> references = new ArrayList<>();
        Map<String, String> firstRun = new LinkedHashMap<>(database);
        firstRun.putAll(firstRunOnly);
        try (ConfigurableApplicationContext first = start(firstRun)) {
            CamelContext camel = first.getBean(CamelContext.class);
            camel.getRouteController().stopRoute("payment-pipeline-recovery");
            camel.getRouteController().stopRoute("payment-pipeline");
            PublicPort http = new PublicPort(camel);
            for (int i = 0; i < CALLBACKS; i++) {
                String ref = "CRASH" + UUID.randomUUID().toString().substring(0, 8).toUpperCase() + i;
                references.add(ref);
                HttpResponse<String> response = http.json("POST", "/callbacks/mypvit", PaysyncHttpTestSupport.mypvit(
                        "PAY" + ref, ref, i % 2 == 0 ? "SUCCESS" : "FAILED", "200"));
                assertThat(response.statusCode()).isEqualTo(200);
            }
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE state = 'RECEIVED'",
                    Integer.class)).isEqualTo(CALLBACKS);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment", Integer.class)).isZero();
            // the crash: whatever was only in memory is gone
            camel.getEndpoint("seda:payment-pipeline", SedaEndpoint.class).purgeQueue();
        }

        try (ConfigurableApplicationContext second = start(database)) {
            CamelContext camel = second.getBean(CamelContext.class);
            MockEndpoint downstream = camel.getEndpoint("mock:downstream", MockEndpoint.class);
            JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);

            await().atMost(Duration.ofSeconds(30)).until(() -> downstream.getReceivedCounter() >= CALLBACKS);
            List<Object> eventIds = downstream.getExchanges().stream()
                    .map(e -> e.getMessage().getHeader("Paysync-Event-Id")).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < CALLBACKS; i++) {
                expected.add("mypvit:" + references.get(i) + ":" + (i % 2 == 0 ? "SUCCESS" : "FAILED"));
            }
            assertThat(eventIds).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE state = 'RECEIVED'",
                    Integer.class)).isZero();
        }
    }

    /** A full paysync, as `java -jar` would run it, with the test settings on top. */
    private static ConfigurableApplicationContext start(Map<String, String> overrides) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        Properties test = new Properties();
        try (InputStream in = CrashRecoveryTests.class.getResourceAsStream("/paysync-test.properties")) {
            test.load(in);
        }
        test.stringPropertyNames().forEach(name -> settings.put(name, test.getProperty(name)));
        settings.put("paysync.pipeline.recovery-after", "PT0S");
        settings.putAll(overrides);
        String[] args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(PaysyncApplication.class, CleanDatabase.class).run(args);
    }
}
