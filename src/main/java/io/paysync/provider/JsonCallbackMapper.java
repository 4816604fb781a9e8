package io.paysync.provider;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A provider whose callbacks are JSON bodies sent with one HTTP method. */
public abstract class JsonCallbackMapper implements CallbackMapper {

    private final String provider;
    private final Set<String> methods;
    private final ObjectMapper json;

    protected JsonCallbackMapper(String provider, String method, ObjectMapper json) {
        this.provider = provider;
        this.methods = Set.of(method);
        this.json = json;
    }

    @Override
    public final String provider() {
        return provider;
    }

    @Override
    public final Set<String> methods() {
        return methods;
    }

    @Override
    public final String mediaType() {
        return "application/json";
    }

    /** The body as a JSON object (400 when it is not one). */
    protected JsonNode body(RawCallback callback) {
        return CallbackFields.object(callback);
    }

    protected ObjectMapper json() {
        return json;
    }
}
