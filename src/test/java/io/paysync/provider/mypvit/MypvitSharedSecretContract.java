package io.paysync.provider.mypvit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.zaxxer.hikari.HikariDataSource;
import io.paysync.payment.PaymentStatus;
import io.paysync.provider.DatabaseProviderSecrets;
import io.paysync.provider.ProviderSecrets;
import io.paysync.provider.StatusClient.StatusAnswer;
import io.paysync.support.MutableClock;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Several paysync instances on one database share MyPVit's X-Secret (each renewal obsoletes the
 * previous one, PROVIDERS.md §1.1): each instance is a {@link MypvitStatusClient} of its own, with its
 * own in-memory copy and lock, and they meet only in {@code provider_secret}, migrated by Flyway.
 */
abstract class MypvitSharedSecretContract {

    @RegisterExtension
    static final WireMockExtension mypvit = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String RENEW_PATH = "/v2/RNWCODE123456789/renew-secret";
    private static final String STATUS_PATH = "/STSCODE123456789/status";
    private static final String REFERENCE = "LT-2-1774724664";
    private static final String FIRST = "sk_live_first";
    private static final String SECOND = "sk_live_second";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-28T19:04:00Z"));

    /** The database the instances share, migrated; the same pool for the whole class. */
    abstract DataSource database();

    /** A pool on {@code url}, cleaned and migrated by Flyway in {@code schema} (null: the default one). */
    static HikariDataSource migrated(String url, String user, String schema) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setPassword("");
        pool.setMaximumPoolSize(8);
        var flyway = Flyway.configure().dataSource(pool).cleanDisabled(false);
        if (schema != null) {
            flyway.schemas(schema);
        }
        Flyway migration = flyway.load();
        migration.clean();
        migration.migrate();
        return pool;
    }

    @BeforeEach
    void noSecretStoredYet() {
        new JdbcTemplate(database()).update("DELETE FROM provider_secret");
    }

    /** Another paysync instance: its own client, memory and lock; the same database. */
    private MypvitStatusClient instance() {
        DataSource database = database();
        ProviderSecrets secrets = new DatabaseProviderSecrets(new NamedParameterJdbcTemplate(database),
                new DataSourceTransactionManager(database), Clock.systemUTC());
        return new MypvitStatusClient(mypvit.baseUrl(), new MypvitProperties("ACC_673B22D1077EA", "pw",
                "RNWCODE123456789", "STSCODE123456789", Duration.ofSeconds(5)), clock, secrets);
    }

    private static void renewalsAnswerFirstThenSecond() {
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).inScenario("renewals")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(renewed(FIRST)))
                .willSetStateTo("renewed"));
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).inScenario("renewals")
                .whenScenarioStateIs("renewed")
                .willReturn(okJson(renewed(SECOND))));
    }

    private static String renewed(String secret) {
        return "{\"operation_account_code\":\"ACC_673B22D1077EA\",\"secret\":\"" + secret + "\",\"expires_in\":3600}";
    }

    private static void statusAnswersPendingTo(String secret) {
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo(secret))
                .willReturn(okJson("""
                        {"status":"PENDING","merchant_reference_id":"LT21774724664"}""")));
    }

    private static void statusRefuses(String secret) {
        mypvit.stubFor(get(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo(secret))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"status_code\":401,\"error\":\"AUTHENTICATION_FAILED\"}")));
    }

    private static PaymentStatus status(StatusAnswer answer) {
        assertThat(answer).isInstanceOf(StatusAnswer.Known.class);
        return ((StatusAnswer.Known) answer).update().status();
    }

    private static PaymentStatus check(MypvitStatusClient instance) {
        return status(instance.check(MypvitStatusClientTests.payment(REFERENCE)));
    }

    @Test
    void anInstanceUsesTheSecretAnotherRenewedWithoutRenewingItself() {
        renewalsAnswerFirstThenSecond();
        statusAnswersPendingTo(FIRST);
        MypvitStatusClient a = instance();
        MypvitStatusClient b = instance();

        assertThat(check(a)).isEqualTo(PaymentStatus.PENDING);
        assertThat(check(b)).isEqualTo(PaymentStatus.PENDING);
        assertThat(check(b)).isEqualTo(PaymentStatus.PENDING);

        mypvit.verify(1, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
        mypvit.verify(3, getRequestedFor(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo(FIRST)));
    }

    @Test
    void anInstanceRefusedTheSharedSecretRenewsOnceAndTheOthersTakeItsSecretFromTheDatabase() {
        renewalsAnswerFirstThenSecond();
        statusAnswersPendingTo(FIRST);
        MypvitStatusClient a = instance();
        MypvitStatusClient b = instance();
        check(a);
        // MyPVit stops accepting the secret A stored (revoked from the dashboard, say)
        statusRefuses(FIRST);
        statusAnswersPendingTo(SECOND);

        assertThat(check(b)).isEqualTo(PaymentStatus.PENDING);
        assertThat(check(a)).isEqualTo(PaymentStatus.PENDING);
        assertThat(check(a)).isEqualTo(PaymentStatus.PENDING);

        // A's renewal, then B's after the refusal; A took B's secret instead of renewing again
        mypvit.verify(2, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
        mypvit.verify(3, getRequestedFor(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo(SECOND)));
        // B's first try, then A's, each with the secret it held before
        mypvit.verify(3, getRequestedFor(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo(FIRST)));
    }

    @Test
    void aSecretAboutToExpireIsRenewedOnceForAllInstances() {
        renewalsAnswerFirstThenSecond();
        statusAnswersPendingTo(FIRST);
        statusAnswersPendingTo(SECOND);
        MypvitStatusClient a = instance();
        MypvitStatusClient b = instance();
        check(a);
        check(b);

        clock.advance(Duration.ofSeconds(3600 - 60));
        check(b);
        check(a);

        mypvit.verify(2, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
        mypvit.verify(2, getRequestedFor(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo(SECOND)));
    }

    @Test
    void instancesThatNeedASecretAtOnceRenewItOnce() throws Exception {
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).willReturn(okJson(renewed(FIRST)).withFixedDelay(300)));
        statusAnswersPendingTo(FIRST);
        int instances = 4;
        List<MypvitStatusClient> cluster = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            cluster.add(instance());
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            List<Future<StatusAnswer>> answers = new ArrayList<>();
            for (MypvitStatusClient instance : cluster) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return instance.check(MypvitStatusClientTests.payment(REFERENCE));
                }));
            }
            start.countDown();
            for (Future<StatusAnswer> answer : answers) {
                assertThat(status(answer.get(10, TimeUnit.SECONDS))).isEqualTo(PaymentStatus.PENDING);
            }
        } finally {
            pool.shutdownNow();
        }

        mypvit.verify(1, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
        mypvit.verify(instances, getRequestedFor(urlPathEqualTo(STATUS_PATH)).withHeader("X-Secret", equalTo(FIRST)));
    }

    @Test
    void aFailedRenewalStoresNothingAndTheNextCheckRenewsAgain() {
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).inScenario("renewals")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("recovered"));
        mypvit.stubFor(post(urlPathEqualTo(RENEW_PATH)).inScenario("renewals")
                .whenScenarioStateIs("recovered")
                .willReturn(okJson(renewed(FIRST))));
        statusAnswersPendingTo(FIRST);
        MypvitStatusClient a = instance();
        MypvitStatusClient b = instance();

        assertThat(a.check(MypvitStatusClientTests.payment(REFERENCE))).isEqualTo(
                new StatusAnswer.Unavailable("secret renewal answered HTTP 503"));
        assertThat(new DatabaseProviderSecrets(new NamedParameterJdbcTemplate(database()),
                new DataSourceTransactionManager(database()), Clock.systemUTC()).stored("mypvit")).isNull();
        assertThat(check(b)).isEqualTo(PaymentStatus.PENDING);
        assertThat(check(a)).isEqualTo(PaymentStatus.PENDING);

        mypvit.verify(2, postRequestedFor(urlPathEqualTo(RENEW_PATH)));
    }
}
