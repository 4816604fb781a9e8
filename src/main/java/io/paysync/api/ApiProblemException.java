package io.paysync.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.paysync.system.Problem;

/** A merchant API request answered with a problem document (4xx). */
public class ApiProblemException extends RuntimeException {

    private final int status;
    private final List<Problem.FieldError> errors;
    private final Map<String, Object> extensions;

    ApiProblemException(int status, String detail) {
        this(status, detail, List.of());
    }

    ApiProblemException(int status, String detail, List<Problem.FieldError> errors) {
        this(status, detail, errors, Map.of());
    }

    /** With RFC 9457 extension members ({@code providerCode}, {@code payment}…), written after the standard ones. */
    ApiProblemException(int status, String detail, Map<String, Object> extensions) {
        this(status, detail, List.of(), extensions);
    }

    private ApiProblemException(int status, String detail, List<Problem.FieldError> errors,
            Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
        this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    static ApiProblemException invalid(List<Problem.FieldError> errors) {
        return new ApiProblemException(400, "the request is invalid: " + errors.size()
                + (errors.size() == 1 ? " error" : " errors"), errors);
    }

    int status() {
        return status;
    }

    List<Problem.FieldError> errors() {
        return errors;
    }

    Map<String, Object> extensions() {
        return extensions;
    }
}
