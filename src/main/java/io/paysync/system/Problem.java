package io.paysync.system;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.HttpStatus;

/**
 * An RFC 9457 problem document. {@code errors} lists field-level validation failures.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String detail, String instance) {
        return of(status, detail, instance, List.of());
    }

    public static Problem of(int status, String detail, String instance, List<FieldError> errors) {
        HttpStatus known = HttpStatus.resolve(status);
        return new Problem("about:blank", known == null ? "HTTP " + status : known.getReasonPhrase(), status, detail,
                instance, errors);
    }
}
