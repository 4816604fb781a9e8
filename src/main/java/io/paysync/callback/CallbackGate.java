package io.paysync.callback;

import static io.paysync.system.PathGuard.abbreviate;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.provider.Ack;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.Providers;
import io.paysync.provider.RawCallback;
import io.paysync.system.HttpReplies;
import io.paysync.system.PathGuard;
import io.paysync.system.PaysyncProperties;
import io.paysync.system.Problem;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.springframework.stereotype.Component;

/**
 * Refusals on callback paths outside the Camel routes: a body declared over
 * {@code paysync.callbacks.max-body-size} gets 413 before a byte of it is read (a body that does
 * not declare its length is cut off by the body handler at the same limit while it is read), and
 * a path that no route serves gets 404, and so does the path of a provider switched off with
 * {@code paysync.providers.<p>.enabled=false}. All are answered as problem+json (VirtualPay: its 99
 * body), recorded and counted.
 */
@Component
class CallbackGate {

    static final String PREFIX = "/callbacks/";

    private final Providers providers;
    private final CallbackInbox inbox;
    private final CallbackOutcomes outcomes;
    private final ObjectMapper json;
    private final Clock clock;
    private final long maxBodySize;
    /** The callback paths of the providers switched off. */
    private final Map<String, String> disabled;

    CallbackGate(Providers providers, CallbackInbox inbox, CallbackOutcomes outcomes, ObjectMapper json,
            Clock clock, PaysyncProperties properties) {
        this.providers = providers;
        this.inbox = inbox;
        this.outcomes = outcomes;
        this.json = json;
        this.clock = clock;
        this.maxBodySize = properties.callbacks().maxBodySize().toBytes();
        this.disabled = providers.names().stream().filter(name -> !providers.enabled(name))
                .collect(Collectors.toUnmodifiableMap(name -> PREFIX + name, name -> name));
    }

    /** A guard of every callback path. */
    abstract static class Guard extends PathGuard {

        final CallbackGate gate;

        Guard(CallbackGate gate, int order) {
            this(gate, order, false);
        }

        Guard(CallbackGate gate, int order, boolean onFailure) {
            super(PREFIX + "*", order, onFailure);
            this.gate = gate;
        }
    }

    /** First: a declared body over the limit. */
    @Component
    static class BodySizeGuard extends Guard {

        BodySizeGuard(CallbackGate gate) {
            super(gate, FIRST);
        }

        @Override
        public void handle(RoutingContext context) {
            String length = context.request().getHeader("Content-Length");
            if (length != null && declaredLength(length) > gate.maxBodySize) {
                gate.refuse(context, 413, "body of " + abbreviate(length) + " bytes is over the limit of "
                        + gate.maxBodySize + " bytes");
            } else {
                context.next();
            }
        }
    }

    /** Before the routes: a provider switched off has no callback endpoint. */
    @Component
    static class DisabledProviderGuard extends Guard {

        DisabledProviderGuard(CallbackGate gate) {
            super(gate, FIRST);
        }

        @Override
        public void handle(RoutingContext context) {
            String provider = gate.disabled.isEmpty() ? null : gate.disabled.get(context.request().path());
            if (provider == null) {
                context.next();
            } else {
                gate.refuse(context, 404, "provider " + provider + " is disabled (paysync.providers." + provider
                        + ".enabled=false)");
            }
        }
    }

    /** Last: a callback path that no route served. */
    @Component
    static class NotFoundGuard extends Guard {

        NotFoundGuard(CallbackGate gate) {
            super(gate, LAST);
        }

        @Override
        public void handle(RoutingContext context) {
            gate.refuse(context, 404, "no callback endpoint " + abbreviate(context.request().path())
                    + "; known providers: " + gate.providers.names());
        }
    }

    /**
     * Requests that failed before reaching a route: a body cut off at the limit while being read
     * (413), a form Vert.x could not decode (400). Answered like every other refusal.
     */
    @Component
    static class FailureGuard extends Guard {

        FailureGuard(CallbackGate gate) {
            super(gate, FIRST, true);
        }

        @Override
        public void handle(RoutingContext context) {
            answerFailure(context, gate.maxBodySize, "internal error; the callback was not accepted", gate::refuse);
        }
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1; // malformed: Vert.x itself refuses such a request
        }
    }

    private void refuse(RoutingContext context, int status, String detail) {
        HttpServerRequest request = context.request();
        String path = request.path();
        String name = path.length() > PREFIX.length() ? path.substring(PREFIX.length()) : "";
        String provider = providers.mapper(name).isPresent() ? name : null;
        RawCallback callback = new RawCallback(provider == null ? "unknown" : provider, request.method().name(),
                request.path(), request.getHeader("Content-Type"), headers(request), request.query(), Map.of(), null,
                0, request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(), clock.instant());
        outcomes.rejected(provider == null ? CallbackOutcomes.UNKNOWN : provider, null,
                CallbackRejectedException.reasonOf(status), status, abbreviate(request.path()) + ": " + detail);
        String problem = problem(status, detail, request.path());
        Ack ack = provider == null ? new Ack(status, HttpReplies.PROBLEM_JSON, problem)
                : providers.require(provider).rejection(status, problem);
        context.vertx().executeBlocking(() -> {
            inbox.recordRejection(callback, status, detail);
            return null;
        }, false).onComplete(recorded -> context.response()
                .setStatusCode(ack.status())
                .putHeader("Content-Type", ack.contentType())
                .putHeader("Connection", "close")
                .end(ack.body()));
    }

    private String problem(int status, String detail, String path) {
        try {
            return json.writeValueAsString(Problem.of(status, detail, abbreviate(path)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> headers(HttpServerRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().names().forEach(name -> headers.put(name.toLowerCase(Locale.ROOT),
                String.join(", ", request.headers().getAll(name))));
        return headers;
    }

}
