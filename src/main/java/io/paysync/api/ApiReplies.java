package io.paysync.api;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.system.HttpReplies;
import io.paysync.system.Problem;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Answers of the merchant API: JSON, or problem+json for errors (no stack trace ever). */
@Component("apiReplies")
class ApiReplies {

    private static final Logger log = LoggerFactory.getLogger(ApiReplies.class);

    private final ObjectMapper json;

    ApiReplies(ObjectMapper json) {
        this.json = json;
    }

    void json(Exchange exchange, int status, Object body, Map<String, String> headers) {
        HttpReplies.write(exchange, status, "application/json", write(body), headers);
    }

    public void problem(Exchange exchange) {
        ApiProblemException problem = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ApiProblemException.class);
        write(exchange, problem.status(), problem.getMessage(), problem);
    }

    public void unavailable(Exchange exchange) {
        log.warn("Merchant API call failed on the database: {}",
                String.valueOf(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
        write(exchange, 503, "the database is unavailable; retry later", null);
    }

    public void failed(Exchange exchange) {
        log.error("Unexpected failure in the merchant API",
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        write(exchange, 500, "internal error", null);
    }

    private void write(Exchange exchange, int status, String detail, ApiProblemException problem) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        Problem body = problem == null ? Problem.of(status, detail, path)
                : Problem.of(status, detail, path, problem.errors());
        if (problem != null && !problem.extensions().isEmpty()) {
            ObjectNode extended = json.valueToTree(body);
            problem.extensions().forEach((name, value) -> extended.set(name, json.valueToTree(value)));
            HttpReplies.write(exchange, status, HttpReplies.PROBLEM_JSON, write(extended));
            return;
        }
        HttpReplies.write(exchange, status, HttpReplies.PROBLEM_JSON, write(body));
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
