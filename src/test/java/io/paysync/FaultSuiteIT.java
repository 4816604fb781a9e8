package io.paysync;

import static io.paysync.FaultDrills.books;
import static io.paysync.FaultDrills.millis;
import static io.paysync.FaultDrills.mypvit;
import static io.paysync.FaultDrills.percentile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.paysync.FaultDrills.Books;
import io.paysync.FaultDrills.Callback;
import io.paysync.FaultDrills.Providers;
import io.paysync.FaultDrills.Reply;
import io.paysync.FaultDrills.Stub;
import io.paysync.support.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The fault suite (issue 8): packaged paysync processes on one PostgreSQL database (a throwaway
 * cluster on port 5433, created by {@code scripts/drill-postgres.sh}, never the shared one), a
 * bounded load of MyPVit callbacks sent like providers behind a load balancer, and one fault per
 * drill. Each drill books sent / acknowledged / stored / settled / delivered / duplicates / lost
 * and asserts lost = 0 and duplicates = 0; the table is printed and written to
 * {@code target/fault-suite.txt}.
 */
@EnabledIfEnvironmentVariable(named = Postgres.URL_VARIABLE, matches = ".+")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    static final Duration SETTLE = Duration.ofSeconds(90);
    static final List<String> TABLE = new ArrayList<>();

    /** Each drill's instances log to target/fault-suite/<drill>/paysync.log (kept for a failed CI run). */
    static final Path WORK = FaultDrills.PROJECT.resolve("target/fault-suite");

    @BeforeAll
    static void drillCluster() throws Exception {
        FaultDrills.drillPostgres("ensure");
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        FaultDrills.freshDatabase();
    }

    @AfterAll
    static void printTable() throws Exception {
        StringBuilder table = new StringBuilder(Books.HEADER).append('\n');
        TABLE.forEach(row -> table.append(row).append('\n'));
        System.out.println("\nFault suite\n" + table);
        Files.createDirectories(FaultDrills.PROJECT.resolve("target"));
        Files.writeString(FaultDrills.PROJECT.resolve("target/fault-suite.txt"), table);
    }

    private Path directory(String name) throws Exception {
        Path directory = WORK.resolve(name);
        org.springframework.util.FileSystemUtils.deleteRecursively(directory);
        return Files.createDirectories(directory);
    }

    private static String ref(String prefix, int i) {
        return prefix + UUID.randomUUID().toString().substring(0, 6).toUpperCase() + i;
    }

    /**
     * Books a drill and asserts nothing was lost. {@code interrupted} is how many deliveries the fault
     * could cut between the send and its record (each of an instance's {@link #SENDERS} senders sends
     * one event at a time): each may be sent once more, with the same eventId (CONTRACT §4), and no
     * other duplicate is allowed.
     */
    /** {@code paysync.downstream.senders}, its default: the drills' instances run with it. */
    private static final int SENDERS = 2;

    private static void record(Books books, int interrupted) {
        TABLE.add(books.row());
        System.out.println(Books.HEADER + "\n" + books.row());
        assertThat(books.lost()).as("acknowledged but never delivered").isZero();
        assertThat(books.duplicates()).as("events delivered more than once").isLessThanOrEqualTo(interrupted);
        assertThat(books.stored()).as("acknowledged callbacks in the inbox").isEqualTo(books.acknowledged());
        assertThat(books.settled()).as("acknowledged callbacks settled").isEqualTo(books.acknowledged());
    }

    private static void awaitDelivered(Providers providers, Stub downstream) {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> providers.acknowledgedPayments()
                .values().stream().allMatch(callback -> downstream.deliveries(callback.eventId()) > 0));
    }

    /**
     * Items 1, 2 and 6: two instances take the same callbacks twice (duplicates spread over both);
     * one is killed with SIGKILL under load, restarted, then the other gets SIGTERM under load.
     * Every acknowledged payment is delivered exactly once, and the Quartz trigger fires once per
     * fire time for the cluster, not once per instance.
     */
    @Test
    @Order(1)
    void twoInstancesSurviveKillAndGracefulStop() throws Exception {
        int payments = 240;
        try (Stub downstream = Stub.downstream()) {
            PackagedPaysync a = FaultDrills.start(directory("a"), downstream);
            PackagedPaysync b = FaultDrills.start(directory("b"), downstream);
            PackagedPaysync restarted = null;
            try (Providers providers = new Providers(List.of(a, b), 16, 5)) {
                // phase 1: every callback twice (once per instance, in any order); SIGKILL A midway
                List<Callback> first = new ArrayList<>();
                for (int i = 0; i < payments / 2; i++) {
                    Callback callback = mypvit(ref("KILL", i), i % 3 == 0 ? "FAILED" : "SUCCESS");
                    first.add(callback);
                    first.add(callback);
                }
                List<Future<?>> sending = first.stream().map(providers::submit).toList();
                await().atMost(Duration.ofSeconds(60)).until(() -> providers.acknowledged.size() >= payments / 6);
                a.process().destroyForcibly();
                providers.remove(a);
                long killedAt = System.nanoTime();
                for (Future<?> future : sending) {
                    future.get(2, TimeUnit.MINUTES);
                }
                restarted = FaultDrills.start(directory("a2"), downstream);
                String restartTook = millis(System.nanoTime() - killedAt);
                providers.add(restarted);

                // the Quartz trigger (cron every second) fires once per second for both instances together
                String fires = quartzFiresOncePerCluster(restarted, b);

                // phase 2: SIGTERM B midway; it must exit within its grace period
                List<Callback> second = new ArrayList<>();
                for (int i = 0; i < payments / 2; i++) {
                    Callback callback = mypvit(ref("TERM", i), i % 3 == 0 ? "FAILED" : "SUCCESS");
                    second.add(callback);
                    second.add(callback);
                }
                int before = providers.acknowledged.size();
                sending = second.stream().map(providers::submit).toList();
                await().atMost(Duration.ofSeconds(60)).until(() -> providers.acknowledged.size() >= before + payments / 6);
                long terminating = System.nanoTime();
                b.process().destroy();
                providers.remove(b);
                assertThat(b.process().waitFor(35, TimeUnit.SECONDS)).as("exits within the grace period").isTrue();
                long stopTook = System.nanoTime() - terminating;
                for (Future<?> future : sending) {
                    future.get(2, TimeUnit.MINUTES);
                }

                awaitDelivered(providers, downstream);
                record(books("2 instances, SIGKILL + SIGTERM", providers, downstream,
                        "restart " + restartTook + ", SIGTERM exit " + millis(stopTook) + "; " + fires), SENDERS);
            } finally {
                a.close();
                b.close();
                if (restarted != null) {
                    restarted.close();
                }
            }
        }
    }

    /** Reconcile route runs on two clustered instances over a window: about one per cron second, not two. */
    private static String quartzFiresOncePerCluster(PackagedPaysync one, PackagedPaysync other) {
        java.util.function.ToDoubleFunction<PackagedPaysync> runs = paysync -> Math.max(0,
                FaultDrills.metric(paysync, "camel_exchanges_total", "routeId=\"reconcile\""));
        AtomicLong start = new AtomicLong(System.nanoTime());
        double[] base = {runs.applyAsDouble(one), runs.applyAsDouble(other)};
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250)).until(() ->
                runs.applyAsDouble(one) - base[0] + runs.applyAsDouble(other) - base[1] >= 20);
        double seconds = (System.nanoTime() - start.get()) / 1e9;
        double fires = runs.applyAsDouble(one) - base[0] + runs.applyAsDouble(other) - base[1];
        // clustered: ~1 fire per second; each instance on its own would make it ~2 per second
        assertThat(fires / seconds).as("reconcile fires per second for the cluster").isLessThan(1.5);
        return String.format("reconcile %.0f fires in %.1f s on 2 instances", fires, seconds);
    }

    /**
     * Item 3: PostgreSQL stops while callbacks arrive. Callbacks get 503 (never 200), readiness is
     * DOWN, and paysync takes callbacks again within 10 s of PostgreSQL's return, without a restart.
     */
    @Test
    @Order(2)
    void databaseOutage() throws Exception {
        try (Stub downstream = Stub.downstream();
                PackagedPaysync paysync = FaultDrills.start(directory("db"), downstream);
                Providers providers = new Providers(List.of(paysync), 4, 1)) {
            // four providers sending one callback after another, each once (a 503 is not retried here)
            AtomicBoolean loading = new AtomicBoolean(true);
            List<Future<?>> load = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < 4; t++) {
                load.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                    while (loading.get()) {
                        providers.deliverNow(mypvit(ref("DB", counter.incrementAndGet()), "SUCCESS"));
                    }
                }, java.util.concurrent.Executors.newSingleThreadExecutor()));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> providers.acknowledged.size() >= 50);

            FaultDrills.drillPostgres("stop");
            long stopped = System.nanoTime();
            AtomicBoolean readinessDown = new AtomicBoolean();
            // the outage lasts until paysync has answered 503 a few times and readiness said DOWN
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (FaultDrills.readiness(paysync) == 503) {
                    readinessDown.set(true);
                }
                return readinessDown.get() && providers.statuses.getOrDefault(503, new java.util.concurrent.atomic.AtomicInteger()).get() >= 5
                        && System.nanoTime() - stopped > TimeUnit.SECONDS.toNanos(8);
            });
            // PostgreSQL accepts connections before the start command returns (pg_ctlcluster and the
            // readiness wait take a second or two more): the outage ends, at the latest, when the
            // command is issued; "recovered" is counted from its return
            long starting = System.nanoTime();
            FaultDrills.drillPostgres("start");
            long started = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                    providers.answers.stream().anyMatch(answer -> answer[0] > started && answer[2] == 200));
            long recovered = providers.answers.stream().filter(answer -> answer[0] > started && answer[2] == 200)
                    .mapToLong(answer -> answer[1]).min().orElseThrow() - started;
            await().atMost(Duration.ofSeconds(10)).until(() -> FaultDrills.readiness(paysync) == 200);
            loading.set(false);
            for (Future<?> future : load) {
                future.get(1, TimeUnit.MINUTES);
            }

            List<long[]> duringOutage = providers.answers.stream()
                    .filter(answer -> answer[0] > stopped && answer[1] < starting).toList();
            long unavailable = duringOutage.stream().filter(answer -> answer[2] == 503).count();
            assertThat(duringOutage).as("answers while PostgreSQL was down").isNotEmpty()
                    .allMatch(answer -> answer[2] == 503);
            assertThat(providers.statuses.keySet()).as("statuses seen").containsOnly(200, 503);
            assertThat(recovered).as("first 200 after PostgreSQL is back").isLessThan(TimeUnit.SECONDS.toNanos(10));

            awaitDelivered(providers, downstream);
            record(books("PostgreSQL stopped ~8 s", providers, downstream, String.format(
                    "%d answered during outage, all 503; readiness DOWN; first 200 %s after restart",
                    duringOutage.size(), millis(recovered))), SENDERS);
            assertThat(unavailable).isPositive();
        }
    }

    /**
     * Item 4: the downstream target refuses everything for 20 s. The outbox backlog grows (the
     * {@code paysync.downstream.backlog} gauge), then drains once it is back: nothing lost, nothing twice.
     */
    @Test
    @Order(3)
    void downstreamOutage() throws Exception {
        try (Stub downstream = Stub.downstream();
                PackagedPaysync paysync = FaultDrills.start(directory("down"), downstream);
                Providers providers = new Providers(List.of(paysync), 8, 3)) {
            downstream.answer(exchange -> new Reply(503, "{\"error\":\"down\"}"));
            long down = System.nanoTime();
            List<Callback> callbacks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                callbacks.add(mypvit(ref("DOWN", i), i % 2 == 0 ? "SUCCESS" : "FAILED"));
            }
            providers.sendAll(callbacks);
            AtomicLong peak = new AtomicLong();
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
                peak.accumulateAndGet((long) FaultDrills.metric(paysync, "paysync_downstream_backlog"), Math::max);
                return System.nanoTime() - down > TimeUnit.SECONDS.toNanos(20);
            });
            assertThat(peak.get()).as("backlog seen in the metrics during the outage").isEqualTo(200);
            assertThat(downstream.refused()).as("deliveries refused during the outage").isPositive();

            downstream.answer(exchange -> new Reply(200, "{}"));
            long back = System.nanoTime();
            awaitDelivered(providers, downstream);
            String drained = millis(System.nanoTime() - back);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    FaultDrills.metric(paysync, "paysync_downstream_backlog") == 0);
            record(books("downstream 503 for 20 s", providers, downstream, String.format(
                    "backlog peak %d, %d attempts refused, drained in %s", peak.get(), downstream.refused(), drained)), 0);
        }
    }

    /**
     * Item 5: VirtualPay's status API hangs (every call times out). Callback intake (MyPVit and
     * VirtualPay) keeps its latency, and MyPVit's status checks (confirming its callbacks) keep theirs.
     */
    @Test
    @Order(4)
    void providerOutage() throws Exception {
        Map<String, String> mypvitTruth = new ConcurrentHashMap<>();
        try (Stub downstream = Stub.downstream();
                Stub mypvitApi = new Stub(exchange -> mypvitApi(exchange, mypvitTruth));
                Stub virtualpayApi = new Stub(exchange -> Reply.HANG);
                PackagedPaysync paysync = FaultDrills.start(directory("provider"), downstream,
                        "--paysync.providers.mypvit.confirm-callbacks=true",
                        "--paysync.providers.mypvit.base-url=http://127.0.0.1:" + mypvitApi.port(),
                        "--paysync.providers.mypvit.account-code=ACC1",
                        "--paysync.providers.mypvit.password=drill",
                        "--paysync.providers.mypvit.renew-url-code=RNW",
                        "--paysync.providers.mypvit.status-url-code=STS",
                        "--paysync.providers.virtualpay.confirm-callbacks=true",
                        "--paysync.providers.virtualpay.base-url=http://127.0.0.1:" + virtualpayApi.port(),
                        "--paysync.providers.virtualpay.merchant-id=M1",
                        "--paysync.providers.virtualpay.channel-code=VIRTUALPAY",
                        "--paysync.providers.virtualpay.api-key=drill",
                        "--paysync.providers.virtualpay.timeout=PT2S");
                Providers providers = new Providers(List.of(paysync), 4, 1)) {
            Measured baseline = measureMypvit(providers, downstream, mypvitTruth, "BASE");

            // the outage: VirtualPay transfers whose confirmation hangs, sent alongside MyPVit's callbacks
            List<Future<?>> hanging = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String reference = ref("VP", i);
                hanging.add(providers.submit(new Callback("virtualpay", "/callbacks/virtualpay", reference, "SUCCESS",
                        PaysyncHttpTestSupport.virtualpay(reference, "99" + (10000000 + i), "Complete"))));
            }
            Measured outage = measureMypvit(providers, downstream, mypvitTruth, "OUT");
            for (Future<?> future : hanging) {
                future.get(1, TimeUnit.MINUTES);
            }

            String notes = String.format("ack p50/p99 %s/%s -> %s/%s; mypvit check p50/p99 %s/%s -> %s/%s",
                    millis(baseline.ackP50), millis(baseline.ackP99), millis(outage.ackP50), millis(outage.ackP99),
                    millis(baseline.checkP50), millis(baseline.checkP99), millis(outage.checkP50),
                    millis(outage.checkP99));
            // VirtualPay's payments wait (PENDING) for a confirmation that cannot come: stored, not settled
            Books books = books("virtualpay status API hangs", providers, downstream, notes,
                    callback -> callback.provider().equals("mypvit"));
            TABLE.add(books.row());
            System.out.println(Books.HEADER + "\n" + books.row());
            assertThat(books.duplicates()).isZero();
            assertThat(books.lost()).isZero();
            assertThat(books.acknowledged()).isEqualTo(160);
            assertThat(books.stored()).isEqualTo(160);
            assertThat(books.settled()).as("MyPVit's, confirmed").isEqualTo(120);
            assertThat(books.delivered()).as("nothing unconfirmed is delivered").isEqualTo(120);
            assertThat(outage.ackP99).as("callback ack p99 during the outage")
                    .isLessThan(Math.max(3 * baseline.ackP99, baseline.ackP99 + TimeUnit.MILLISECONDS.toNanos(250)));
            assertThat(outage.checkP99).as("MyPVit confirmation p99 during the outage")
                    .isLessThan(Math.max(3 * baseline.checkP99, baseline.checkP99 + TimeUnit.SECONDS.toNanos(1)));
        }
    }

    record Measured(long ackP50, long ackP99, long checkP50, long checkP99) {
    }

    /** 60 MyPVit callbacks whose final status its status API confirms: ack latency, ack → delivered latency. */
    private static Measured measureMypvit(Providers providers, Stub downstream, Map<String, String> truth,
            String prefix) throws Exception {
        int before = providers.ackNanos.size();
        List<Callback> callbacks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Callback callback = mypvit(ref(prefix, i), "SUCCESS");
            truth.put(callback.reference(), callback.status());
            callbacks.add(callback);
        }
        providers.sendAll(callbacks);
        await().atMost(SETTLE).until(() -> callbacks.stream().allMatch(c -> downstream.deliveries(c.eventId()) == 1));
        List<Long> acks = new ArrayList<>(providers.ackNanos.subList(before, providers.ackNanos.size()));
        List<Long> checks = callbacks.stream().map(c -> downstream.deliveredAt(c.eventId())
                - providers.acknowledgedAt.get(c.reference())).toList();
        return new Measured(percentile(acks, 0.5), percentile(acks, 0.99), percentile(checks, 0.5),
                percentile(checks, 0.99));
    }

    /** MyPVit's renew-secret and Check Status (PROVIDERS.md §1.1, §1.4), answering what the callbacks said. */
    private static Reply mypvitApi(com.sun.net.httpserver.HttpExchange exchange, Map<String, String> truth) {
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/renew-secret")) {
            return new Reply(200, "{\"operation_account_code\":\"ACC1\",\"secret\":\"sk_drill\",\"expires_in\":3600}");
        }
        String reference = FaultDrills.query(exchange).get("transactionId");
        return new Reply(200, """
                {"date":"2026-03-28T19:04:24","status":"%s","amount":500,"fees":10,"operator":"AIRTEL_MONEY",\
                "merchant_reference_id":"%s","customer_account_number":"077000001",\
                "merchant_operation_account_code":"ACC1"}""".formatted(truth.getOrDefault(reference, "PENDING"),
                reference));
    }
}
