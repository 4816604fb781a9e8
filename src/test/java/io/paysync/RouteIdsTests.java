package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

/**
 * The application starts exactly the routes of {@code routes/}, all of them. The literal list is
 * deliberate: adding, renaming or removing a route fails here until this list says so too.
 * Shares the cached context of {@link PaysyncHttpTestSupport} (no annotations of its own).
 */
class RouteIdsTests extends PaysyncHttpTestSupport {

    static final List<String> EXPECTED = List.of(
            "callback-cinetpay",
            "callback-ellypay",
            "callback-intake",
            "callback-mvola",
            "callback-mypvit",
            "callback-virtualpay",
            "dead-letters",
            "dead-letters-replay",
            "dead-letters-replay-all",
            "downstream",
            "downstream-deliver",
            "merchant-api-kyc",
            "merchant-api-payment",
            "merchant-api-payments",
            "merchant-api-schema",
            "payment-pipeline",
            "payment-pipeline-apply",
            "payment-pipeline-recovery",
            "reconcile",
            "reconcile-now",
            "reconcile-payment");

    @Test
    void routeFilesDeclareTheExpectedRoutes() {
        assertThat(RouteFiles.routeIds()).as("every '- route: id:' in %s", RouteFiles.directory())
                .containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void applicationRunsExactlyTheRoutesOfTheRouteFiles() {
        List<String> running = camel.getRoutes().stream().map(Route::getRouteId).sorted().toList();

        assertThat(running).containsExactlyElementsOf(RouteFiles.routeIds());
    }

    @Test
    void everyRouteIsStarted() {
        assertThat(EXPECTED).allSatisfy(id -> assertThat(camel.getRouteController().getRouteStatus(id))
                .as("status of route %s", id)
                .isNotNull()
                .satisfies(status -> assertThat(status.isStarted()).as("route %s started (%s)", id, status).isTrue()));
    }
}
