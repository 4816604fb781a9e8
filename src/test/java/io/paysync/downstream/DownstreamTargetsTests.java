package io.paysync.downstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.paysync.payment.Payment;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.Source;
import io.paysync.system.PaysyncProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/** The downstream targets as configured: the single {@code uri}, named targets, filters, mistakes. */
class DownstreamTargetsTests {

    private static final Set<String> PROVIDERS = Set.of("mypvit", "cinetpay", "ellypay", "virtualpay", "mvola");

    private static Map<String, DownstreamTargets.Target> resolve(String uri, Map<String, PaysyncProperties.Target> targets) {
        return DownstreamTargets.resolve(new PaysyncProperties.Downstream(uri, 12, Duration.ofSeconds(1),
                Duration.ofMinutes(5), 100, 1, targets, null), PROVIDERS, Set.of("jms", "amqp", "log", "http")::contains);
    }

    private static Payment payment(String provider, PaymentStatus status) {
        Instant now = Instant.now();
        return new Payment(1, provider, "REF1", null, status, new BigDecimal("500"), "XAF", null, null, null, null,
                Set.of(), null, null, Source.CALLBACK, now, now, now, null);
    }

    @Test
    void withoutTargetsTheUriIsTheOneTargetNamedDefaultAndTakesEverything() {
        Map<String, DownstreamTargets.Target> targets = resolve("jms:queue:payments", Map.of());

        assertThat(targets).containsOnlyKeys("default");
        DownstreamTargets.Target target = targets.get("default");
        assertThat(target.uri()).isEqualTo("jms:queue:payments");
        assertThat(target.takes(payment("mvola", PaymentStatus.CANCELLED))).isTrue();
        assertThat(target.jms()).isTrue();
        assertThat(target.amqp()).isFalse();
    }

    @Test
    void namedTargetsReplaceTheUriKeepTheirOrderAndFilterByProviderAndStatus() {
        Map<String, PaysyncProperties.Target> configured = new LinkedHashMap<>();
        configured.put("notifications", new PaysyncProperties.Target("amqp:/exchange/amq.topic/paid",
                List.of("MyPVit", " mvola"), List.of("success")));
        configured.put("ledger", new PaysyncProperties.Target("http://ledger/events", null, null));

        Map<String, DownstreamTargets.Target> targets = resolve("log:ignored", configured);

        assertThat(targets.keySet()).containsExactly("notifications", "ledger");
        DownstreamTargets.Target notifications = targets.get("notifications");
        assertThat(notifications.providers()).containsExactlyInAnyOrder("mypvit", "mvola");
        assertThat(notifications.statuses()).containsExactly(PaymentStatus.SUCCESS);
        assertThat(notifications.takes(payment("mypvit", PaymentStatus.SUCCESS))).isTrue();
        assertThat(notifications.takes(payment("mypvit", PaymentStatus.FAILED))).isFalse();
        assertThat(notifications.takes(payment("cinetpay", PaymentStatus.SUCCESS))).isFalse();
        assertThat(notifications.amqp()).isTrue();
        assertThat(targets.get("ledger").takes(payment("cinetpay", PaymentStatus.FAILED))).isTrue();
        assertThat(targets.get("ledger").jms()).isFalse();
    }

    @Test
    void mistakesStopTheStartWithTheSettingNamed() {
        assertThatThrownBy(() -> resolve("log:x", Map.of("ledger", new PaysyncProperties.Target(" ", null, null))))
                .hasMessageContaining("paysync.downstream.targets.ledger.uri is missing");
        assertThatThrownBy(() -> resolve("log:x", Map.of("Ledger!", new PaysyncProperties.Target("log:y", null, null))))
                .hasMessageContaining("paysync.downstream.targets.Ledger!");
        assertThatThrownBy(() -> resolve("log:x", Map.of("ledger",
                new PaysyncProperties.Target("log:y", List.of("paypal"), null))))
                .hasMessageContaining("paysync.downstream.targets.ledger.providers: unknown provider 'paypal'");
        assertThatThrownBy(() -> resolve("log:x", Map.of("ledger",
                new PaysyncProperties.Target("log:y", null, List.of("PENDING")))))
                .hasMessageContaining("'PENDING' is not a final status");
    }

    @Test
    void aUriWhoseComponentThisBuildLacksStopsTheStart() {
        assertThatThrownBy(() -> resolve("kafka:payments?brokers=bus:9092", Map.of()))
                .hasMessage("paysync.downstream.uri: this build of paysync has no Camel component 'kafka'"
                        + " (add its camel-kafka-starter to pom.xml)");
        assertThatThrownBy(() -> resolve("log:x", Map.of("ledger", new PaysyncProperties.Target("ledger-bus", null, null))))
                .hasMessageStartingWith("paysync.downstream.targets.ledger.uri: 'ledger-bus' is not a Camel endpoint URI");
    }

    @Test
    void aComponentIsInTheBuildAsAJarOrAsABean() {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        assertThat(DownstreamTargets.inBuild(beans, "log")).isTrue();
        assertThat(DownstreamTargets.inBuild(beans, "http")).isTrue();
        assertThat(DownstreamTargets.inBuild(beans, "jms")).isTrue();
        assertThat(DownstreamTargets.inBuild(beans, "kafka")).isFalse();
        beans.registerSingleton("kafka", new Object());
        assertThat(DownstreamTargets.inBuild(beans, "kafka")).isTrue();
    }

    @Test
    void theLoggedFormHidesCredentialsInTheUri() {
        Map<String, DownstreamTargets.Target> targets = resolve("http://ledger/events?authPassword=s3cret", Map.of());

        assertThat(targets.get("default").toString()).doesNotContain("s3cret");
    }
}
