package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.support.PublicPort;
import io.paysync.support.TestSignatures;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * URL tokens and allow-lists guard every provider's route (CONTRACT §2): each provider here
 * requires a token; VirtualPay also only accepts 203.0.113.0/24, reached through the trusted
 * proxy 127.0.0.1.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = "classpath:paysync-test.properties", properties = {
        "paysync.providers.mypvit.callback-token=tok-mypvit",
        "paysync.providers.cinetpay.callback-token=tok-cinetpay",
        "paysync.providers.ellypay.callback-token=tok-ellypay",
        "paysync.providers.mvola.callback-token=tok-mvola",
        "paysync.providers.virtualpay.callback-token=tok-virtualpay",
        "paysync.providers.virtualpay.allowed-ips=203.0.113.0/24",
        "paysync.callbacks.trusted-proxies=127.0.0.1/32,::1/128"})
class CallbackSourceTests {

    @Autowired
    CamelContext camel;
    @Autowired
    ObjectMapper json;

    @DynamicPropertySource
    static void providerKeys(DynamicPropertyRegistry registry) {
        TestSignatures.register(registry);
    }

    static final Map<String, String[]> REQUESTS = Map.of(
            "mypvit", new String[] {"POST", "application/json", PaysyncHttpTestSupport.mypvit("PAYT1", "T1", "SUCCESS", "200")},
            "cinetpay", new String[] {"POST", "application/x-www-form-urlencoded", "cpm_site_id=1&cpm_trans_id=T1"},
            "ellypay", new String[] {"POST", "application/json", PaysyncHttpTestSupport.ellypayGen2("T1ELLY",
                    "transaction.completed", "COMPLETED")},
            "mvola", new String[] {"PUT", "application/json", PaysyncHttpTestSupport.mvola("T1MVOLA", "completed")},
            "virtualpay", new String[] {"POST", "application/json", PaysyncHttpTestSupport.virtualpay("T1VPAY", "1",
                    "Complete")});

    HttpResponse<String> send(String provider, String query, Map<String, String> headers) {
        String[] request = REQUESTS.get(provider);
        return new PublicPort(camel).send(request[0], "/callbacks/" + provider + query, request[1], request[2], headers);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mypvit", "cinetpay", "ellypay", "mvola"})
    void everyProviderRouteRequiresItsUrlToken(String provider) throws Exception {
        HttpResponse<String> missing = send(provider, "", Map.of());
        HttpResponse<String> wrong = send(provider, "?token=tok-" + provider + "x", Map.of());
        HttpResponse<String> otherProviders = send(provider, "?token=tok-mypvit" + ("mypvit".equals(provider) ? "x" : ""),
                Map.of());

        for (HttpResponse<String> response : new HttpResponse[] {missing, wrong, otherProviders}) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(json.readTree(response.body()).get("detail").asText()).contains("token");
        }
        HttpResponse<String> right = send(provider, "?token=tok-" + provider, signature(provider));
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
    }

    @Test
    void allowListRefusesOtherSourcesAndBelievesOnlyTrustedProxies() throws Exception {
        HttpResponse<String> direct = send("virtualpay", "?token=tok-virtualpay", Map.of());
        HttpResponse<String> forwarded = send("virtualpay", "?token=tok-virtualpay",
                Map.of("X-Forwarded-For", "203.0.113.9"));
        HttpResponse<String> spoofedBehindAnotherHop = send("virtualpay", "?token=tok-virtualpay",
                Map.of("X-Forwarded-For", "203.0.113.9, 198.51.100.7"));

        assertThat(direct.statusCode()).isEqualTo(403);
        assertThat(json.readTree(direct.body()).get("response_code").asText()).isEqualTo("99");
        assertThat(forwarded.statusCode()).as(forwarded.body()).isEqualTo(200);
        assertThat(spoofedBehindAnotherHop.statusCode()).isEqualTo(403);
    }

    @Test
    void forwardedAddressesWithAPortAreReadWithoutItAndGarbageIsA403() throws Exception {
        HttpResponse<String> withPort = send("virtualpay", "?token=tok-virtualpay",
                Map.of("X-Forwarded-For", "203.0.113.9:1234"));
        HttpResponse<String> outsideWithPort = send("virtualpay", "?token=tok-virtualpay",
                Map.of("X-Forwarded-For", "198.51.100.7:1234"));
        HttpResponse<String> notAnAddress = send("virtualpay", "?token=tok-virtualpay",
                Map.of("X-Forwarded-For", "203.0.113.9:1234:5"));

        assertThat(withPort.statusCode()).as(withPort.body()).isEqualTo(200);
        for (HttpResponse<String> refused : List.of(outsideWithPort, notAnAddress)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(json.readTree(refused.body()).get("response_code").asText()).isEqualTo("99");
        }
    }

    private static Map<String, String> signature(String provider) {
        return switch (provider) {
            case "ellypay" -> TestSignatures.ellypay(REQUESTS.get(provider)[2]);
            case "cinetpay" -> TestSignatures.cinetpay(REQUESTS.get(provider)[2]);
            default -> Map.of();
        };
    }
}
