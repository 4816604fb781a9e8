package io.paysync.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.net.http.HttpRequest;
import java.time.Duration;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The plumbing every status client shares: limits hold whatever a provider answers. */
class ProviderHttpTests {

    @RegisterExtension
    static WireMockExtension provider = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final ProviderHttp.Wording WORDING = ProviderHttp.Wording.talkingTo("TestPay");

    ProviderHttp http(Duration timeout) {
        return new ProviderHttp(provider.baseUrl() + "//", timeout);
    }

    ProviderHttp.Response call(ProviderHttp http, String path) throws ProviderHttp.NoAnswer {
        return http.send(HttpRequest.newBuilder(http.uri(path, "bad URL")).GET().build(), WORDING);
    }

    @Test
    void normalisesTheBaseUrlAndTreatsBlankAsUnset() {
        assertThat(http(Duration.ofSeconds(1)).baseUrl()).isEqualTo(provider.baseUrl());
        assertThat(new ProviderHttp("  ", Duration.ofSeconds(1)).baseUrl()).isNull();
        assertThat(ProviderHttp.unset(new ProviderHttp.Setting("paysync.providers.x.base-url", " "),
                new ProviderHttp.Setting("paysync.providers.x.apikey", "k"))).containsExactly("paysync.providers.x.base-url");
        assertThat(new ProviderHttp.Setting("paysync.providers.x.apikey", "s3cr3t").toString()).doesNotContain("s3cr3t");
    }

    @Test
    void refusesAnythingButHttpUrls() {
        ProviderHttp ftp = new ProviderHttp("ftp://example.invalid", Duration.ofSeconds(1));
        assertThatExceptionOfType(ProviderHttp.NoAnswer.class).isThrownBy(() -> ftp.uri("/x", "bad URL"))
                .withMessage("bad URL");
    }

    @Test
    void returnsTheStatusAndBodyOfAnAnswer() throws Exception {
        provider.stubFor(get(urlEqualTo("/status")).willReturn(aResponse().withStatus(503).withBody("{\"a\":1}")));

        ProviderHttp.Response response = call(http(Duration.ofSeconds(2)), "/status");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.is2xx()).isFalse();
        assertThat(response.body()).isEqualTo("{\"a\":1}");
    }

    @Test
    void refusesAnAnswerOverTheSizeLimit() {
        provider.stubFor(get(urlEqualTo("/huge")).willReturn(aResponse()
                .withBody("x".repeat(ProviderHttp.MAX_ANSWER_BYTES + 1))));

        assertThatExceptionOfType(ProviderHttp.NoAnswer.class)
                .isThrownBy(() -> call(http(Duration.ofSeconds(5)), "/huge"));
    }

    @Test
    void givesUpAfterTheTimeoutBodyIncluded() {
        provider.stubFor(get(urlEqualTo("/slow")).willReturn(aResponse().withChunkedDribbleDelay(5, 1500)
                .withBody("{\"status\":\"SUCCESS\"}")));

        assertThatExceptionOfType(ProviderHttp.NoAnswer.class)
                .isThrownBy(() -> call(http(Duration.ofMillis(300)), "/slow"))
                .withMessageContaining("TestPay");
    }

    @Test
    void reportsAnUnreachableProviderAsNoAnswer() {
        ProviderHttp closed = new ProviderHttp("http://127.0.0.1:9", Duration.ofSeconds(2));

        assertThatExceptionOfType(ProviderHttp.NoAnswer.class).isThrownBy(() -> call(closed, "/status"));
    }

    @Test
    void parsesAnswersWithTheCallbackLimits() {
        assertThat(ProviderHttp.objectOrNull("{\"status\":\"a\",\"status\":\"b\"}")).isNull();
        assertThat(ProviderHttp.objectOrNull("[1]")).isNull();
        assertThat(ProviderHttp.objectOrNull("{".repeat(40) + "}".repeat(40))).isNull();
        assertThat(ProviderHttp.objectOrNull("{\"amount\":10.50}").get("amount").decimalValue())
                .isEqualByComparingTo("10.50");
        assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> ProviderHttp.object("{\"a\":1,\"a\":2}"));
    }

    @Test
    void quotesOnlyCodeLikeProviderText() {
        assertThat(ProviderHttp.quoted("TRANSACTION_CANCEL")).isEqualTo("TRANSACTION_CANCEL");
        assertThat(ProviderHttp.quoted("<html>secret=1</html>")).isEqualTo("(unreadable)");
        assertThat(ProviderHttp.shortened("a\nb" + "c".repeat(100))).hasSize(81).doesNotContain("\n");
    }
}
