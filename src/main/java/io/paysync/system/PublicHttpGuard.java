package io.paysync.system;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * A Vert.x handler on the public port outside the Camel routes: first (before bodies are read:
 * refusals that must not wait for a whole body) or last (requests no route served).
 */
public interface PublicHttpGuard extends Handler<RoutingContext> {

    int FIRST = -1000;
    int LAST = Integer.MAX_VALUE;

    /** The Vert.x path pattern it guards, e.g. {@code /callbacks/*}. */
    String path();

    /** {@link #FIRST} or {@link #LAST}. */
    int order();

    /** True for a failure handler: called when a request failed outside the routes (body handler…). */
    default boolean onFailure() {
        return false;
    }
}
