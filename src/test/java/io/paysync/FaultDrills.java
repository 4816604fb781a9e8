package io.paysync;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * What the fault drills ({@link FaultSuiteIT}) are made of: the drill PostgreSQL cluster, HTTP
 * stubs (downstream target, provider APIs), a load driver that acts as providers behind a load
 * balancer, and the books that count sent / acknowledged / stored / settled / delivered.
 */
final class FaultDrills {

    static final Path PROJECT = Path.of(System.getProperty("paysync.routes")).getParent();
    static final int DRILL_PORT = Integer.parseInt(System.getenv().getOrDefault("PAYSYNC_DRILL_PG_PORT", "5433"));
    static final String DATABASE = "paysync_drills";
    static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:" + DRILL_PORT + "/" + DATABASE;

    private FaultDrills() {
    }

    // ---- the drill PostgreSQL cluster (never the shared one on 5432) ----

    /** {@code scripts/drill-postgres.sh ensure|stop|start}; fails the test when it fails. */
    static void drillPostgres(String action) throws IOException, InterruptedException {
        Process script = new ProcessBuilder("bash", PROJECT.resolve("scripts/drill-postgres.sh").toString(), action)
                .redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!script.waitFor(60, TimeUnit.SECONDS) || script.exitValue() != 0) {
            throw new IllegalStateException("drill-postgres.sh " + action + " failed: " + output);
        }
    }

    /** A fresh, empty drill database. */
    static void freshDatabase() throws SQLException {
        try (Connection admin = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + DRILL_PORT + "/postgres", "postgres", "");
                Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            sql.execute("CREATE DATABASE " + DATABASE);
        }
    }

    static <T> T query(String sql, Function<ResultSet, T> reader) throws SQLException {
        try (Connection connection = DriverManager.getConnection(JDBC_URL, "postgres", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return reader.apply(rows);
        }
    }

    /** The arguments that put a packaged paysync on the drill database, with short retry timers. */
    static List<String> instanceArguments(Stub downstream) {
        return List.of(
                "--spring.datasource.url=" + JDBC_URL,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--paysync.ops.password=" + OPS_PASSWORD,
                "--paysync.downstream.uri=http://127.0.0.1:" + downstream.port() + "/events",
                "--paysync.downstream.initial-backoff=PT0.5S",
                "--paysync.downstream.max-backoff=PT2S",
                "--paysync.downstream.max-attempts=1000",
                "--paysync.downstream.poll-period-ms=200",
                "--paysync.pipeline.recovery-after=PT3S",
                "--paysync.pipeline.recovery-period-ms=1000",
                "--paysync.reconciliation.cron=* * * * * ?",
                // the drills bring their own provider stubs: never the in-process simulators
                "--paysync.sandbox.enabled=false");
    }

    static final String OPS_PASSWORD = "drill-ops";

    static PackagedPaysync start(Path directory, Stub downstream, String... more) throws IOException {
        List<String> arguments = new ArrayList<>(instanceArguments(downstream));
        arguments.addAll(List.of(more));
        return PackagedPaysync.start(directory, arguments.toArray(String[]::new));
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One Prometheus sample of an instance's operations port, or -1 when it cannot be read. */
    static double metric(PackagedPaysync paysync, String series) {
        return metric(paysync, series, "");
    }

    /** The first sample of {@code name} whose labels contain {@code labels}, or -1. */
    static double metric(PackagedPaysync paysync, String name, String labels) {
        return paysync.metric(OPS_PASSWORD, name, labels);
    }

    static int readiness(PackagedPaysync paysync) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(paysync.operationsUrl("/actuator/health/readiness")))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    // ---- HTTP stubs ----

    /** What a stub does with a request: answer it ({@code status}, {@code body}) or hang. */
    record Reply(int status, String body) {
        static final Reply HANG = new Reply(0, null);
    }

    /**
     * A loopback HTTP server (JDK) answering with {@code handler}; a {@link Reply#HANG} holds the
     * request until the stub closes. Counts the {@code Paysync-Event-Id} of every request it answers 2xx.
     */
    static final class Stub implements AutoCloseable {

        private final HttpServer server;
        private final CountDownLatch closing = new CountDownLatch(1);
        private final Map<String, AtomicInteger> events = new ConcurrentHashMap<>();
        private final Map<String, Long> firstEventAt = new ConcurrentHashMap<>();
        private final AtomicInteger refused = new AtomicInteger();
        private volatile Function<HttpExchange, Reply> handler;

        Stub(Function<HttpExchange, Reply> handler) throws IOException {
            this.handler = handler;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.createContext("/", this::handle);
            server.start();
        }

        static Stub downstream() throws IOException {
            return new Stub(exchange -> new Reply(200, "{}"));
        }

        void answer(Function<HttpExchange, Reply> replies) {
            this.handler = replies;
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                Reply reply = handler.apply(exchange);
                if (reply == Reply.HANG) {
                    closing.await(5, TimeUnit.MINUTES);
                    return;
                }
                String eventId = exchange.getRequestHeaders().getFirst("Paysync-Event-Id");
                if (eventId != null) {
                    if (reply.status() / 100 == 2) {
                        events.computeIfAbsent(eventId, id -> new AtomicInteger()).incrementAndGet();
                        firstEventAt.putIfAbsent(eventId, System.nanoTime());
                    } else {
                        refused.incrementAndGet();
                    }
                }
                byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(reply.status(), body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int deliveries(String eventId) {
            AtomicInteger count = events.get(eventId);
            return count == null ? 0 : count.get();
        }

        Long deliveredAt(String eventId) {
            return firstEventAt.get(eventId);
        }

        int refused() {
            return refused.get();
        }

        @Override
        public void close() {
            closing.countDown();
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    /** The query parameters of a stub request. */
    static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    // ---- load and books ----

    /** One callback a provider sends until it is acknowledged (or gives up), through a load balancer. */
    record Callback(String provider, String path, String reference, String status, String body) {

        String eventId() {
            return provider + ":" + reference + ":" + status;
        }
    }

    static Callback mypvit(String reference, String status) {
        return new Callback("mypvit", "/callbacks/mypvit", reference, status,
                PaysyncHttpTestSupport.mypvit("PAY" + reference, reference, status, "200"));
    }

    /**
     * Providers behind a load balancer: each callback goes to the next live instance, and one that
     * is not acknowledged (connection refused, 503, no answer in time) is sent again to another,
     * as providers retry, up to {@code tries} times. Every answer is booked.
     */
    static final class Providers implements AutoCloseable {

        private final List<PackagedPaysync> instances;
        private final int tries;
        private final ExecutorService senders;
        private final AtomicInteger next = new AtomicInteger();
        final Map<String, Callback> acknowledged = new ConcurrentHashMap<>();
        final Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final List<Long> ackNanos = java.util.Collections.synchronizedList(new ArrayList<>());
        /** (request start, request end, status) of every request, for outage windows. */
        // read (streamed) while the senders still add to it: a concurrent queue, whose iteration never
        // throws (a synchronized list's stream is not synchronized: ConcurrentModificationException)
        final java.util.Queue<long[]> answers = new java.util.concurrent.ConcurrentLinkedQueue<>();

        Providers(List<PackagedPaysync> instances, int concurrency, int tries) {
            this.instances = new java.util.concurrent.CopyOnWriteArrayList<>(instances);
            this.tries = tries;
            this.senders = Executors.newFixedThreadPool(concurrency);
        }

        void remove(PackagedPaysync instance) {
            instances.remove(instance);
        }

        void add(PackagedPaysync instance) {
            instances.add(instance);
        }

        java.util.concurrent.Future<?> submit(Callback callback) {
            return senders.submit(() -> deliverNow(callback));
        }

        /** Sends one callback on the calling thread until acknowledged or out of tries. */
        void deliverNow(Callback callback) {
            sent.incrementAndGet();
            deliver(callback);
        }

        void sendAll(Collection<Callback> callbacks) throws Exception {
            List<java.util.concurrent.Future<?>> futures = callbacks.stream().map(this::submit).toList();
            for (java.util.concurrent.Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        }

        private void deliver(Callback callback) {
            for (int attempt = 0; attempt < tries; attempt++) {
                List<PackagedPaysync> live = List.copyOf(instances);
                if (live.isEmpty()) {
                    return;
                }
                PackagedPaysync target = live.get(Math.floorMod(next.getAndIncrement(), live.size()));
                int status = send(target, callback);
                if (status == 200) {
                    acknowledged.put(callback.reference() + "#" + callback.status(), callback);
                    acknowledgedAt.putIfAbsent(callback.reference(), System.nanoTime());
                    return;
                }
            }
        }

        int send(PackagedPaysync target, Callback callback) {
            requests.incrementAndGet();
            long start = System.nanoTime();
            int status;
            try {
                status = CLIENT.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + target.publicPort() + callback.path()))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(callback.body())).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = -1;
            }
            long end = System.nanoTime();
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            answers.add(new long[] {start, end, status});
            if (status == 200) {
                ackNanos.add(end - start);
            }
            return status;
        }

        /** Distinct payments acknowledged (whatever the number of duplicate callbacks). */
        Map<String, Callback> acknowledgedPayments() {
            Map<String, Callback> payments = new HashMap<>();
            acknowledged.values().forEach(callback -> payments.put(callback.reference(), callback));
            return payments;
        }

        @Override
        public void close() {
            senders.shutdownNow();
        }
    }

    /** The books of one drill: every number the table shows. */
    record Books(String fault, int sent, int acknowledged, int stored, int settled, int delivered, int duplicates,
            int lost, String notes) {

        static final String HEADER = String.format("%-34s %6s %6s %6s %8s %9s %10s %5s  %s", "fault", "sent", "acked",
                "stored", "settled", "delivered", "duplicates", "lost", "measured");

        String row() {
            return String.format("%-34s %6d %6d %6d %8d %9d %10d %5d  %s", fault, sent, acknowledged, stored, settled,
                    delivered, duplicates, lost, notes);
        }
    }

    /**
     * Counts, for the payments the providers saw acknowledged: stored (an accepted inbox row), settled
     * (the payment final with that status), delivered (its event received downstream), duplicates
     * (deliveries beyond the first, of any event) and lost (acknowledged but not delivered).
     */
    static Books books(String fault, Providers providers, Stub downstream, String notes) throws SQLException {
        return books(fault, providers, downstream, notes, callback -> true);
    }

    /** As above; {@code deliverable} says which acknowledged payments must have reached downstream by now. */
    static Books books(String fault, Providers providers, Stub downstream, String notes,
            java.util.function.Predicate<Callback> deliverable) throws SQLException {
        Map<String, Callback> acknowledged = providers.acknowledgedPayments();
        Map<String, String> settled = query("SELECT provider, merchant_reference, status FROM payment", rows -> {
            Map<String, String> found = new HashMap<>();
            try {
                while (rows.next()) {
                    found.put(rows.getString(1) + ":" + rows.getString(2), rows.getString(3));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return found;
        });
        java.util.Set<String> inbox = query(
                "SELECT DISTINCT provider, payment_update FROM callback_inbox WHERE outcome IN ('ACCEPTED', 'DUPLICATE')",
                rows -> {
                    java.util.Set<String> found = new java.util.HashSet<>();
                    try {
                        while (rows.next()) {
                            found.add(rows.getString(1) + ":" + rows.getString(2));
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    return found;
                });
        int stored = 0;
        int settledCount = 0;
        int delivered = 0;
        int lost = 0;
        for (Callback callback : acknowledged.values()) {
            String key = callback.provider() + ":" + callback.reference();
            if (inbox.stream().anyMatch(row -> row.startsWith(callback.provider() + ":")
                    && row.contains("\"merchantReference\":\"" + callback.reference() + "\""))) {
                stored++;
            }
            if (callback.status().equals(settled.get(key))) {
                settledCount++;
            }
            if (downstream.deliveries(callback.eventId()) > 0) {
                delivered++;
            } else if (deliverable.test(callback)) {
                lost++;
            }
        }
        int duplicates = downstream.events.values().stream().mapToInt(count -> count.get() - 1).sum();
        return new Books(fault, providers.sent.get(), acknowledged.size(), stored, settledCount, delivered,
                duplicates, lost, notes);
    }

    static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    static String millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }
}
