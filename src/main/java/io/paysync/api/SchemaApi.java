package io.paysync.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.paysync.system.HttpReplies;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The published event schemas (issue 10), on the public port with the merchant API key:
 * {@code GET /api/schema/{name}} answers one of the documents shipped in {@code schema/} on the
 * classpath — the JSON Schemas of the payment JSON and of the {@code payment.finalized} event, and
 * the AsyncAPI document of the downstream channel. Their relative {@code $ref}s resolve against
 * this same path.
 */
@Component("schemaApi")
class SchemaApi {

    static final String BASE = "/api/schema/";

    /** Name → content type; nothing else under schema/ is served. */
    static final Map<String, String> DOCUMENTS = documents();

    private final Map<String, String> texts = new LinkedHashMap<>();

    SchemaApi() {
        DOCUMENTS.keySet().forEach(name -> texts.put(name, read(name)));
    }

    /** {@code GET /api/schema/{name}}. */
    public void get(Exchange exchange) {
        String path = PaymentApi.rawPath(exchange);
        String name = path.startsWith(BASE) ? path.substring(BASE.length()) : "";
        String text = texts.get(name);
        if (text == null) {
            throw new ApiProblemException(404, "no schema '" + name + "'; published: " + DOCUMENTS.keySet());
        }
        HttpReplies.write(exchange, 200, DOCUMENTS.get(name), text, Map.of("Cache-Control", "max-age=300"));
    }

    private static Map<String, String> documents() {
        Map<String, String> documents = new LinkedHashMap<>();
        documents.put("payment.json", "application/schema+json");
        documents.put("payment-finalized.json", "application/schema+json");
        documents.put("asyncapi.yaml", "application/yaml");
        // unmodifiable but ordered: the 404 lists the names as published
        return Collections.unmodifiableMap(documents);
    }

    static String read(String name) {
        try (InputStream in = SchemaApi.class.getResourceAsStream("/schema/" + name)) {
            if (in == null) {
                throw new IllegalStateException("schema/" + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
