package io.paysync.provider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds {@link RawCallback}s the way the request reader leaves them, and reads the payload
 * fixtures under {@code src/test/resources/fixtures/<provider>/} (taken from the provider
 * documents in PROVIDERS.md).
 */
public final class Callbacks {

    public static final String JSON = "application/json";
    public static final String FORM = "application/x-www-form-urlencoded";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Callbacks() {
    }

    /** A JSON callback as received: body as UTF-8 text (null when empty), no form fields. */
    public static RawCallback json(String provider, String method, String body) {
        long size = body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
        return new RawCallback(provider, method, "/callbacks/" + provider, JSON, Map.of("content-type", JSON), null,
                Map.of(), body == null || body.isEmpty() ? null : body, size, "127.0.0.1", Instant.now());
    }

    /** A form-urlencoded POST: the decoded fields (repeats kept), the body their re-encoding. */
    public static RawCallback form(String provider, Map<String, List<String>> fields) {
        String body = encode(fields);
        return new RawCallback(provider, "POST", "/callbacks/" + provider, FORM, Map.of("content-type", FORM), null,
                fields, body.isEmpty() ? null : body, body.length(), "127.0.0.1", Instant.now());
    }

    /** A request without a body (CinetPay's GET availability ping). */
    public static RawCallback bodiless(String provider, String method) {
        return new RawCallback(provider, method, "/callbacks/" + provider, null, Map.of(), null, Map.of(), null, 0,
                "127.0.0.1", Instant.now());
    }

    /** The text of {@code /fixtures/<provider>/<file>} on the test classpath. */
    public static String fixture(String provider, String file) {
        String path = "/fixtures/" + provider + "/" + file;
        try (InputStream in = Callbacks.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A form-urlencoded fixture decoded once (UTF-8), in order, repeated fields kept. */
    public static Map<String, List<String>> formFixture(String provider, String file) {
        return decode(fixture(provider, file).strip());
    }

    /** The JSON text after an edit of its root object (a variant of a documented payload). */
    public static String edit(String json, Consumer<ObjectNode> change) {
        try {
            ObjectNode root = (ObjectNode) MAPPER.readTree(json);
            change.accept(root);
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A mutable copy of form fields, for variants. */
    public static Map<String, List<String>> copy(Map<String, List<String>> fields) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        fields.forEach((name, values) -> copy.put(name, new ArrayList<>(values)));
        return copy;
    }

    static Map<String, List<String>> decode(String body) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return fields;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    private static String encode(Map<String, List<String>> fields) {
        return fields.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)))
                .collect(Collectors.joining("&"));
    }
}
