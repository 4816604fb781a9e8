package io.paysync.api;

import static io.paysync.system.PathGuard.abbreviate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.system.HttpReplies;
import io.paysync.system.PathGuard;
import io.paysync.system.PaysyncProperties;
import io.paysync.system.Problem;
import io.vertx.ext.web.RoutingContext;
import org.springframework.stereotype.Component;

/**
 * Merchant API answers outside the Camel routes, as problem+json like every other API error
 * (CONTRACT §5): a path that no route serves gets 404, and a request the server refused before a
 * route saw it — a body over the server's limit ({@code paysync.callbacks.max-body-size}, which
 * the one public port applies to every body), one it could not decode — gets its 4xx.
 */
@Component
class ApiGate {

    private static final String PATH = "/api/*";

    private final ObjectMapper json;
    private final long maxBodySize;

    ApiGate(ObjectMapper json, PaysyncProperties properties) {
        this.json = json;
        this.maxBodySize = properties.callbacks().maxBodySize().toBytes();
    }

    /** A guard of every API path. */
    abstract static class Guard extends PathGuard {

        final ApiGate gate;

        Guard(ApiGate gate, int order, boolean onFailure) {
            super(PATH, order, onFailure);
            this.gate = gate;
        }
    }

    /** Last: an API path that no route served. */
    @Component
    static class NotFoundGuard extends Guard {

        NotFoundGuard(ApiGate gate) {
            super(gate, LAST, false);
        }

        @Override
        public void handle(RoutingContext context) {
            gate.answer(context, 404, "no such resource");
        }
    }

    /** Requests that failed before reaching a route. */
    @Component
    static class FailureGuard extends Guard {

        FailureGuard(ApiGate gate) {
            super(gate, FIRST, true);
        }

        @Override
        public void handle(RoutingContext context) {
            answerFailure(context, gate.maxBodySize, "internal error", gate::answer);
        }
    }

    private void answer(RoutingContext context, int status, String detail) {
        String body;
        try {
            body = json.writeValueAsString(Problem.of(status, detail, abbreviate(context.request().path())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        context.response().setStatusCode(status).putHeader("Content-Type", HttpReplies.PROBLEM_JSON).end(body);
    }
}
