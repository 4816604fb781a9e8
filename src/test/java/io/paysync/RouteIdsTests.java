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
            "reconcile-payment",
            "sandbox-cinetpay",
            "sandbox-demo",
            "sandbox-ellypay",
            "sandbox-mvola",
            "sandbox-mypvit",
            "sandbox-virtualpay");

    /**
     * Routes created only in sandbox mode (their precondition is {@code paysync.sandbox.enabled}). The
     * shared test context configures a provider key, so sandbox mode is off in it: these routes are
     * absent (SandboxTests runs them).
     */
    static final List<String> SANDBOX_ONLY = EXPECTED.stream().filter(id -> id.startsWith("sandbox-")).toList();

    @Test
    void routeFilesDeclareTheExpectedRoutes() {
        assertThat(RouteFiles.routeIds()).as("every '- route: id:' in %s", RouteFiles.directory())
                .containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void applicationRunsExactlyTheRoutesOfTheRouteFiles() {
        List<String> running = camel.getRoutes().stream().map(Route::getRouteId).sorted().toList();

        assertThat(running).containsExactlyElementsOf(RouteFiles.routeIds().stream()
                .filter(id -> !SANDBOX_ONLY.contains(id)).toList());
    }

    @Test
    void sandboxSimulatorsAreAbsentWhenSandboxModeIsOff() {
        assertThat(camel.getPropertiesComponent().resolveProperty("paysync.sandbox.enabled")).contains("false");
        for (String path : List.of("/sandbox/mypvit/v2/SBXREST000000001/rest", "/sandbox/mvola/token",
                "/sandbox/demo")) {
            assertThat(http.json("POST", path, "{}").statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void everyRouteIsStarted() {
        assertThat(EXPECTED.stream().filter(id -> !SANDBOX_ONLY.contains(id))).allSatisfy(id -> assertThat(camel.getRouteController().getRouteStatus(id))
                .as("status of route %s", id)
                .isNotNull()
                .satisfies(status -> assertThat(status.isStarted()).as("route %s started (%s)", id, status).isTrue()));
    }
}
