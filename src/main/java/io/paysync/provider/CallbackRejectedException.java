package io.paysync.provider;

/**
 * A callback refused with a precise 4xx: it is answered (problem+json, or the provider's own
 * failure body), recorded for forensics, counted by reason, and changes nothing.
 */
public class CallbackRejectedException extends RuntimeException {

    private final int status;
    private final String reason;
    private final String allow;

    /** A refusal whose reason is told by its status (see {@link #reasonOf(int)}). */
    public CallbackRejectedException(int status, String detail) {
        this(status, reasonOf(status), detail, null);
    }

    private CallbackRejectedException(int status, String reason, String detail, String allow) {
        super(detail, null, false, false);
        this.status = status;
        this.reason = reason;
        this.allow = allow;
    }

    public static CallbackRejectedException badRequest(String detail) {
        return new CallbackRejectedException(400, detail);
    }

    /** 401: a signature that is missing, malformed, wrong or stale, or cannot be checked. */
    public static CallbackRejectedException unauthorized(String detail) {
        return new CallbackRejectedException(401, "signature", detail, null);
    }

    /** 401: the callback URL token is missing or wrong. */
    public static CallbackRejectedException badToken(String detail) {
        return new CallbackRejectedException(401, "token", detail, null);
    }

    public static CallbackRejectedException methodNotAllowed(String method, String allow) {
        return new CallbackRejectedException(405, reasonOf(405), "method " + method + " is not accepted here; use "
                + allow, allow);
    }

    public int status() {
        return status;
    }

    /** A short, stable reason for metrics: invalid, signature, token, source, method, media-type… */
    public String reason() {
        return reason;
    }

    /** The {@code Allow} header value of a 405, else null. */
    public String allow() {
        return allow;
    }

    /** The reason of a refusal known only by its status. */
    public static String reasonOf(int status) {
        return switch (status) {
            case 400 -> "invalid";
            case 401 -> "unauthenticated";
            case 403 -> "source";
            case 404 -> "unknown-endpoint";
            case 405 -> "method";
            case 413 -> "too-large";
            case 415 -> "media-type";
            case 503 -> "unavailable";
            default -> "error";
        };
    }
}
