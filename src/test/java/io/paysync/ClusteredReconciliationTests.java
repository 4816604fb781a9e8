package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two paysync instances on one PostgreSQL database check each due payment once: the claim is a
 * lease on the payment row, taken by one instance only, whatever the timing of their runs.
 */
@EnabledIfEnvironmentVariable(named = Postgres.URL_VARIABLE, matches = ".+")
class ClusteredReconciliationTests {

    static final int PAYMENTS = 40;

    @Test
    void twoInstancesCheckEachDuePaymentOnce() throws Exception {
        Map<String, String> database = new LinkedHashMap<>(Postgres.properties("paysync_cluster"));
        database.remove("paysync.test.clean-database");
        Map<String, String> first = new LinkedHashMap<>(database);
        first.put("paysync.test.clean-database", "true");
        try (ConfigurableApplicationContext a = start(first); ConfigurableApplicationContext b = start(database)) {
            ReconciliationTests.ScriptedStatusApi apiA = a.getBean(ReconciliationTests.ScriptedStatusApi.class);
            ReconciliationTests.ScriptedStatusApi apiB = b.getBean(ReconciliationTests.ScriptedStatusApi.class);
            PublicPort http = new PublicPort(a.getBean(CamelContext.class));
            List<String> refs = new ArrayList<>();
            for (int i = 0; i < PAYMENTS; i++) {
                String ref = "CL" + UUID.randomUUID().toString().substring(0, 8).toUpperCase() + i;
                refs.add(ref);
                assertThat(http.api("PUT", "/api/payments/testpay/" + ref, "{\"amount\":100,\"currency\":\"XOF\"}")
                        .statusCode()).isEqualTo(201);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> total(refs, apiA, apiB) >= PAYMENTS);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                    .until(() -> total(refs, apiA, apiB) == PAYMENTS);
            for (String ref : refs) {
                assertThat(apiA.calls(ref) + apiB.calls(ref)).as("status calls for %s", ref).isEqualTo(1);
            }
        }
    }

    private static int total(List<String> refs, ReconciliationTests.ScriptedStatusApi a,
            ReconciliationTests.ScriptedStatusApi b) {
        return refs.stream().mapToInt(ref -> a.calls(ref) + b.calls(ref)).sum();
    }

    private static ConfigurableApplicationContext start(Map<String, String> overrides) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        Properties test = new Properties();
        try (InputStream in = ClusteredReconciliationTests.class.getResourceAsStream("/paysync-test.properties")) {
            test.load(in);
        }
        test.stringPropertyNames().forEach(name -> settings.put(name, test.getProperty(name)));
        settings.put("paysync.reconciliation.first-check-after", "PT0S");
        settings.put("paysync.reconciliation.interval", "PT1H");
        settings.put("paysync.reconciliation.cron", "* * * * * ?");
        settings.put("paysync.reconciliation.batch-size", "5");
        settings.putAll(overrides);
        String[] args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(PaysyncApplication.class, CleanDatabase.class,
                ReconciliationTests.TestPay.class).run(args);
    }
}
