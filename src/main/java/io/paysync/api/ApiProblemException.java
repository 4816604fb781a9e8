package io.paysync.api;

import java.util.List;

import io.paysync.system.Problem;

/** A merchant API request answered with a problem document (4xx). */
public class ApiProblemException extends RuntimeException {

    private final int status;
    private final List<Problem.FieldError> errors;

    ApiProblemException(int status, String detail) {
        this(status, detail, List.of());
    }

    ApiProblemException(int status, String detail, List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
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
}
