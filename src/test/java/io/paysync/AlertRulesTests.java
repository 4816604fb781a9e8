package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus alert rules ({@code ops/prometheus/paysync-alerts.yml}) are well formed and
 * only use series that paysync really exports: a renamed meter breaks this test, not the alerts.
 */
class AlertRulesTests extends PaysyncHttpTestSupport {

    static final Path RULES = Path.of("ops", "prometheus", "paysync-alerts.yml");
    static final Pattern SERIES = Pattern.compile("\\bpaysync_[a-z_]+");

    static List<JsonNode> rules = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        JsonNode file = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
        file.get("groups").forEach(group -> group.get("rules").forEach(rules::add));
    }

    @Test
    void everyRuleHasAnExpressionADurationASeverityAndASummary() {
        assertThat(rules).extracting(rule -> rule.path("alert").asText()).contains(
                "PaysyncCallbackSignatureRejections", "PaysyncReconciliationBacklogStale", "PaysyncDeadLetters",
                "PaysyncDownstreamFailureRate");
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            assertThat(rule.path("expr").asText()).as(name).isNotBlank();
            assertThat(rule.path("for").asText()).as(name).matches("\\d+[smh]");
            assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
        }
    }

    @Test
    void everySeriesTheRulesUseIsExported() throws Exception {
        // activity that creates the tagged series: a refused signature, a settlement and a delivery
        assertThat(http.json("POST", "/callbacks/ellypay",
                ellypayGen2(unique("ALERTSIG"), "transaction.completed", "COMPLETED")).statusCode()).isEqualTo(401);
        String reference = unique("ALERT");
        assertThat(http.json("POST", "/callbacks/mypvit", mypvit("PAY" + reference, reference, "SUCCESS", "200"))
                .statusCode()).isEqualTo(200);
        awaitPayment("mypvit", reference, "SUCCESS");

        Set<String> used = new TreeSet<>();
        for (JsonNode rule : rules) {
            Matcher series = SERIES.matcher(rule.path("expr").asText());
            while (series.find()) {
                used.add(series.group());
            }
        }
        assertThat(used).isNotEmpty();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String scrape = asOps("/actuator/prometheus").body();
            for (String name : used) {
                assertThat(scrape).as(name).containsPattern("(?m)^" + name + "[{ ]");
            }
        });
    }
}
