package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

/**
 * Merchant API errors that no route answers are problem+json too (CONTRACT §5): unknown paths,
 * and bodies the server refuses before a route sees them (over {@code max-body-size}, 8KB here).
 */
class ApiGateTests extends PaysyncHttpTestSupport {

    @Test
    void aPathNoRouteServesIsA404Problem() throws Exception {
        for (String path : new String[] {"/api/foo", "/api/payments/mypvit", "/api/payments/mypvit/", "/api/"}) {
            HttpResponse<String> response = http.api("GET", path, null);
            assertProblem(response, 404, "no such resource");
            assertThat(json.readTree(response.body()).get("instance").asText()).isEqualTo(path);
        }
    }

    @Test
    void aBodyOverTheLimitIsA413Problem() throws Exception {
        String reference = unique("BIG");
        String body = "{\"amount\":500,\"currency\":\"XAF\",\"payer\":\"" + "9".repeat(9000) + "\"}";

        assertProblem(http.api("PUT", "/api/payments/mypvit/" + reference, body), 413, "over the limit of 8192 bytes");
        assertThat(http.api("GET", "/api/payments/mypvit/" + reference, null).statusCode()).isEqualTo(404);
    }

    @Test
    void theRoutesStillAnswerTheirOwnPaths() throws Exception {
        assertThat(http.api("GET", "/api/payments?limit=1", null).statusCode()).isEqualTo(200);
        assertProblem(http.api("DELETE", "/api/payments/mypvit/" + unique("DEL"), null), 405, "");
    }
}
