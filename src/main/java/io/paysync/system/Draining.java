package io.paysync.system;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;

/**
 * For the routes that loop batch after batch (inbox recovery, downstream drain): whether another
 * batch may be taken. Not while the application or the route is stopping, so that a stop does not
 * wait for a whole backlog. The loops do not use {@code breakOnShutdown}: in Camel 4.18 it also ends
 * every loop after its route was stopped and started again (from Hawtio, say), for good.
 */
public final class Draining {

    private Draining() {
    }

    /** {@code fullBatch}, unless the application or the exchange's route is stopping. */
    public static boolean more(Exchange exchange, boolean fullBatch) {
        if (!fullBatch) {
            return false;
        }
        CamelContext camel = exchange.getContext();
        if (camel.isStopping()) {
            return false;
        }
        String routeId = exchange.getFromRouteId();
        ServiceStatus route = routeId == null ? null : camel.getRouteController().getRouteStatus(routeId);
        return route == null || route.isStarted();
    }
}
