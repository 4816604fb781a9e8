package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ThreadPoolExecutor;

import io.vertx.core.impl.VertxInternal;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The benchmark's hooks (scripts/bench.sh), switched on as the benchmark does: the constant route on
 * the public engine and the hand-rolled MVC receiver on the operations port. The other test
 * contexts run without them (OperationsTests: every operations path but health needs credentials).
 * And the tuning knob the benchmark measured: the public port's Vert.x worker pool.
 */
@TestPropertySource(properties = {"paysync.bench.ceiling-route=true", "paysync.bench.mvc-receiver=true",
        "paysync.http.worker-threads=3"})
class BenchHooksTests extends PaysyncHttpTestSupport {

    @Test
    void theCeilingRouteAnswersAConstant() {
        HttpResponse<String> response = http.send("GET", "/bench/ceiling", null, null, java.util.Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("bench-ceiling");
    }

    @Test
    void theMvcReceiverStoresEachCallbackOnceAndEchoesItWithoutCredentials() throws Exception {
        String reference = unique("MVC");
        String callback = mypvit("PAY" + reference, reference, "SUCCESS", "200");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = send(operationsRequest("/bench/mvc-receiver", null, null)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(callback)));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json.readTree(response.body()).get("transactionId").asText()).isEqualTo("PAY" + reference);
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM bench_mvc_receiver WHERE reference = ?", Integer.class,
                reference)).isEqualTo(1);
        // only that path is open: the rest of the operations port still wants the ops user
        assertThat(anonymous("/actuator/prometheus").statusCode()).isEqualTo(401);
    }

    @Test
    void thePublicPortRunsItsRoutesOnAWorkerPoolOfPaysyncHttpWorkerThreads() {
        VertxInternal vertx = (VertxInternal) camel.getRegistry().findSingleByType(VertxPlatformHttpRouter.class).vertx();
        ThreadPoolExecutor workers = (ThreadPoolExecutor) vertx.getWorkerPool().executor();
        assertThat(workers.getMaximumPoolSize()).isEqualTo(3);
        // and the routes run there: a request is answered with the pool that small
        assertThat(http.send("GET", "/bench/ceiling", null, null, java.util.Map.of()).statusCode()).isEqualTo(200);
    }
}
