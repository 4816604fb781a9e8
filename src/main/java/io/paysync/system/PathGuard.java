package io.paysync.system;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link PublicHttpGuard} of one path pattern at one place, and what such guards say alike. */
public abstract class PathGuard implements PublicHttpGuard {

    private static final Logger log = LoggerFactory.getLogger(PathGuard.class);

    private final String path;
    private final int order;
    private final boolean onFailure;

    protected PathGuard(String path, int order, boolean onFailure) {
        this.path = path;
        this.order = order;
        this.onFailure = onFailure;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public int order() {
        return order;
    }

    @Override
    public boolean onFailure() {
        return onFailure;
    }

    /** How a guard answers a refusal. */
    @FunctionalInterface
    public interface Refusal {
        void refuse(RoutingContext context, int status, String detail);
    }

    /**
     * Answers a request that failed before reaching a route: a body cut off at {@code maxBodySize}
     * while it was read (413), one Vert.x could not decode (its 4xx); anything else is logged and
     * answered 500 with {@code internalError}. Nothing when an answer is already on its way.
     */
    protected static void answerFailure(RoutingContext context, long maxBodySize, String internalError,
            Refusal refusal) {
        if (context.response().ended() || context.response().headWritten()) {
            return;
        }
        int status = context.statusCode();
        if (status == 413) {
            refusal.refuse(context, 413, "body is over the limit of " + maxBodySize + " bytes");
        } else if (status >= 400 && status < 500) {
            refusal.refuse(context, status, "malformed request: " + describe(context.failure()));
        } else {
            log.error("Unexpected failure on {}", abbreviate(context.request().path()), context.failure());
            refusal.refuse(context, 500, internalError);
        }
    }

    private static String describe(Throwable failure) {
        if (failure == null) {
            return "the request could not be read";
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return abbreviate(message.replaceAll("\\s+", " "));
    }

    /** At most 120 characters of a text a caller chose (a path, a header), for answers and logs. */
    public static String abbreviate(String text) {
        return text == null || text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }
}
