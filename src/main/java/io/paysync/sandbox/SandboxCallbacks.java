package io.paysync.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Sends the simulators' callbacks: real HTTP requests to paysync's callback URLs, on scheduler
 * threads after a delay (never on the thread that answered the initiation), each delivery repeated
 * up to {@code paysync.sandbox.callback-attempts} times until its provider's acceptance rule holds.
 */
@Component
@SandboxOnly
class SandboxCallbacks implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SandboxCallbacks.class);

    /**
     * One callback.
     *
     * @param provider    who sends it (for the log)
     * @param what        what it says, e.g. "SUCCESS PAY123" (for the log)
     * @param method      GET, POST or PUT
     * @param url         paysync's callback URL (may carry a token: never logged whole)
     * @param contentType null for none (a GET ping)
     * @param headers     more headers (signatures)
     * @param body        null for none
     * @param accepted    the provider's rule for a delivered callback; otherwise it is sent again
     */
    record Delivery(String provider, String what, String method, String url, String contentType,
            Map<String, String> headers, String body, Predicate<HttpResponse<String>> accepted) {
    }

    /** 2xx counts as delivered. */
    static final Predicate<HttpResponse<String>> ANY_2XX = response -> response.statusCode() / 100 == 2;
    /** Only 200 counts as delivered. */
    static final Predicate<HttpResponse<String>> OK_200 = response -> response.statusCode() == 200;

    private final SandboxProperties settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService scheduler;

    SandboxCallbacks(SandboxProperties settings) {
        this.settings = settings;
        AtomicInteger threads = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "sandbox-callbacks-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Sends {@code steps} one after the other, the first after {@code after}; each is retried before the next. */
    void send(Duration after, List<Delivery> steps) {
        if (!steps.isEmpty()) {
            schedule(after, () -> attempt(steps, 0, 1));
        }
    }

    void send(Duration after, Delivery delivery) {
        send(after, List.of(delivery));
    }

    private void attempt(List<Delivery> steps, int step, int attempt) {
        Delivery delivery = steps.get(step);
        boolean accepted = deliver(delivery, attempt);
        if (!accepted && attempt < settings.callbackAttempts()) {
            schedule(settings.retryDelay(), () -> attempt(steps, step, attempt + 1));
            return;
        }
        if (!accepted) {
            log.warn("sandbox {}: gave up the {} callback ({}) after {} attempts", delivery.provider(),
                    delivery.what(), path(delivery.url()), attempt);
        }
        if (step + 1 < steps.size()) {
            attempt(steps, step + 1, 1);
        }
    }

    private boolean deliver(Delivery delivery, int attempt) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(delivery.url()))
                    .timeout(Duration.ofSeconds(10))
                    .method(delivery.method(), delivery.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(delivery.body()));
            if (delivery.contentType() != null) {
                request.header("Content-Type", delivery.contentType());
            }
            delivery.headers().forEach(request::header);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            boolean accepted = delivery.accepted().test(response);
            log.info("sandbox {}: {} {} callback ({}), attempt {}: HTTP {} {}{}", delivery.provider(), delivery.method(),
                    delivery.what(), path(delivery.url()), attempt, response.statusCode(), response.body(),
                    accepted ? "" : " - not accepted, will retry");
            return accepted;
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("sandbox {}: {} callback ({}), attempt {}: {}", delivery.provider(), delivery.what(),
                    path(delivery.url()), attempt, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void schedule(Duration after, Runnable task) {
        if (!scheduler.isShutdown()) {
            scheduler.schedule(task, Math.max(0, after.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    /** The URL without its query: a callback token is never logged. */
    static String path(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
