package io.paysync.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import io.paysync.system.HttpReplies;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider's simulator, served by its {@code sandbox-<provider>} route under
 * {@code /sandbox/<provider>}: each request is answered from memory (state lives as long as the
 * process), callbacks go out through {@link SandboxCallbacks}, never on the request thread.
 */
abstract class SimulatedProvider implements Processor {

    /** In a reference or description: the simulator never sends the callback (reconciliation must settle it). */
    static final String LOSE_CALLBACK = "LOSECALLBACK";
    /** In a reference or description: the simulated customer declines (CinetPay, EllyPay). */
    static final String DECLINE = "DECLINE";

    private static final Logger log = LoggerFactory.getLogger(SimulatedProvider.class);

    final String provider;
    final SandboxProperties settings;
    final SandboxCallbacks callbacks;
    final Clock clock;

    SimulatedProvider(String provider, SandboxProperties settings, SandboxCallbacks callbacks, Clock clock) {
        this.provider = provider;
        this.settings = settings;
        this.callbacks = callbacks;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        SandboxRequest request = SandboxRequest.of(exchange, "/sandbox/" + provider);
        SandboxReply reply;
        try {
            reply = handle(request);
        } catch (SandboxReply.Refusal refusal) {
            reply = refusal.reply();
            log.info("sandbox {}: {} {} refused {}: {}", provider, request.method(), request.path(), reply.status(),
                    reply.body());
        } catch (RuntimeException e) {
            log.warn("sandbox {}: {} {} failed", provider, request.method(), request.path(), e);
            reply = SandboxReply.json(500, SandboxReply.object().put("error", "SANDBOX_ERROR")
                    .put("message", "the " + provider + " simulator failed: " + e.getClass().getSimpleName()));
        }
        HttpReplies.write(exchange, reply.status(), reply.contentType(), reply.body());
    }

    /** The answer to one request; a {@link SandboxReply.Refusal} for a refusal. */
    abstract SandboxReply handle(SandboxRequest request);

    Instant now() {
        return clock.instant();
    }

    /** When a payment initiated now is settled: the simulated customer has answered. */
    Instant settlesAt(int steps) {
        return now().plus(settings.callbackDelay().multipliedBy(steps));
    }

    Duration delay(int steps) {
        return settings.callbackDelay().multipliedBy(steps);
    }

    static boolean says(String keyword, String... texts) {
        for (String text : texts) {
            if (text != null && text.toUpperCase(Locale.ROOT).contains(keyword)) {
                return true;
            }
        }
        return false;
    }

    static String digits(int count) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++) {
            digits.append(ThreadLocalRandom.current().nextInt(10));
        }
        return digits.toString();
    }

    static String letters(int count) {
        StringBuilder letters = new StringBuilder();
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        for (int i = 0; i < count; i++) {
            letters.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return letters.toString();
    }
}
