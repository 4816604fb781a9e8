package io.paysync.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * One request to a simulator, read from the Vert.x request itself: the HTTP headers only (Camel also
 * maps query parameters to headers, which must not satisfy a header check), the path below
 * {@code /sandbox/<provider>}, the query, and the body (a form is decoded by Vert.x into a map).
 */
record SandboxRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
        String body, Map<String, String> form) {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static SandboxRequest of(Exchange exchange, String prefix) {
        Message message = exchange.getMessage();
        Map<String, String> headers = new LinkedHashMap<>();
        String method;
        String path;
        String query;
        if (message instanceof HttpMessage http) {
            HttpServerRequest request = http.getRequest();
            request.headers().names().forEach(name -> headers.put(name.toLowerCase(Locale.ROOT),
                    request.headers().get(name)));
            method = request.method().name();
            path = request.path();
            query = request.query();
        } else {
            method = message.getHeader(Exchange.HTTP_METHOD, "GET", String.class);
            path = message.getHeader(Exchange.HTTP_PATH, "", String.class);
            query = message.getHeader(Exchange.HTTP_QUERY, String.class);
        }
        if (path.startsWith(prefix)) {
            path = path.substring(prefix.length());
        }
        Object body = message.getBody();
        Map<String, String> form = new LinkedHashMap<>();
        String text = null;
        if (body instanceof Map<?, ?> fields) {
            fields.forEach((name, value) -> form.put(String.valueOf(name),
                    value instanceof Iterable<?> many ? String.valueOf(many.iterator().next()) : String.valueOf(value)));
        } else if (body != null) {
            text = message.getBody(String.class);
        }
        return new SandboxRequest(method, path.isEmpty() ? "/" : path, parse(query), headers, text, form);
    }

    static Map<String, String> parse(String query) {
        Map<String, String> values = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return values;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The media type of the body, without parameters, lower case; "" when none. */
    String mediaType() {
        String type = header("Content-Type");
        return type == null ? "" : type.split(";")[0].strip().toLowerCase(Locale.ROOT);
    }

    boolean is(String method, String path) {
        return this.method.equals(method) && this.path.equals(path);
    }

    /** The body as a JSON object, or null when it is not one. */
    JsonNode json() {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** A text field of a JSON object (a string, or a number as written), null when absent or blank. */
    static String text(JsonNode object, String name) {
        JsonNode value = object == null ? null : object.get(name);
        return value == null || !(value.isTextual() || value.isNumber()) || value.asText().isBlank() ? null
                : value.asText();
    }
}
