package io.paysync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** When sandbox mode is on (CONTRACT §8): never by accident in production. */
class SandboxModeTests {

    @Test
    void onByDefaultOnlyWithoutProviderCredentials() {
        assertThat(SandboxMode.decide(null, List.of()).enabled()).isTrue();
        assertThat(SandboxMode.decide(null, List.of()).forced()).isFalse();
        assertThat(SandboxMode.decide(null, List.of("paysync.providers.mvola.consumer-key")).enabled()).isFalse();
        assertThat(SandboxMode.decide(" ", List.of("paysync.providers.mvola.consumer-key")).enabled()).isFalse();
    }

    @Test
    void anExplicitValueIsObeyedAndForcingItOverCredentialsSaysWhichAreIgnored() {
        SandboxMode.Decision forced = SandboxMode.decide("true", List.of("paysync.providers.cinetpay.secret-key"));
        assertThat(forced.enabled()).isTrue();
        assertThat(forced.warning()).startsWith("SANDBOX MODE (paysync.sandbox.enabled=true is set")
                .contains("IGNORED: paysync.providers.cinetpay.secret-key").contains("Never run like this in production");
        assertThat(SandboxMode.decide("false", List.of()).enabled()).isFalse();
        assertThat(SandboxMode.decide("false", List.of()).warning()).isNull();
        assertThat(SandboxMode.decide(null, List.of()).warning()).contains("no provider credentials are configured");
    }

    @Test
    void theEnvironmentDecidesFromEveryRealProviderSetting() {
        for (String setting : SandboxMode.REAL_SETTINGS) {
            MockEnvironment environment = new MockEnvironment()
                    .withProperty(SandboxMode.PROVIDERS + setting, "configured");
            new SandboxMode().postProcessEnvironment(environment, null);
            assertThat(environment.getProperty(SandboxMode.ENABLED)).as(setting).isEqualTo("false");
            assertThat(environment.getProperty(SandboxMode.PROVIDERS + setting)).isEqualTo("configured");
        }
    }

    @Test
    void whenOnTheSimulatorsOutrankTheConfiguredProviderSettings() {
        MockEnvironment environment = new MockEnvironment().withProperty(SandboxMode.ENABLED, "true")
                .withProperty("paysync.http.port", "9090")
                .withProperty("paysync.providers.mypvit.base-url", "https://api.mypvit.pro")
                .withProperty("paysync.providers.cinetpay.secret-key", "real-secret");
        new SandboxMode().postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("paysync.providers.mypvit.base-url"))
                .isEqualTo("http://127.0.0.1:9090/sandbox/mypvit");
        assertThat(environment.getProperty("paysync.providers.cinetpay.secret-key"))
                .isEqualTo(SandboxCredentials.CINETPAY_SECRET);
        assertThat(environment.getProperty("paysync.public-base-url")).isEqualTo("http://127.0.0.1:9090");
        assertThat(environment.getProperty("paysync.api.key")).isEqualTo(SandboxMode.SANDBOX_API_KEY);
        assertThat(environment.getProperty(SandboxMode.WARNING)).contains("IGNORED: paysync.providers.mypvit.base-url");
        assertThat(environment.getProperty("paysync.providers.ellypay.public-key")).startsWith("-----BEGIN PUBLIC KEY-----");
    }

    @Test
    void aRandomPublicPortIsFixedBeforeTheBaseUrlsNameIt() {
        MockEnvironment environment = new MockEnvironment().withProperty("paysync.http.port", "0")
                .withProperty("paysync.api.key", "merchant-key");
        new SandboxMode().postProcessEnvironment(environment, null);

        String port = environment.getProperty("paysync.http.port");
        assertThat(Integer.parseInt(port)).isPositive();
        assertThat(environment.getProperty("paysync.providers.mvola.base-url"))
                .isEqualTo("http://127.0.0.1:" + port + "/sandbox/mvola");
        assertThat(environment.getProperty("paysync.api.key")).isEqualTo("merchant-key");
    }

    @Test
    void mypvitAcknowledgementMustEchoTransactionIdAndCodeWithItsType() {
        assertThat(SandboxMypvit.echoes(200, "{\"responseCode\":200,\"transactionId\":\"PAY1\"}", "PAY1", 200)).isTrue();
        assertThat(SandboxMypvit.echoes(200, "{\"responseCode\":\"200\",\"transactionId\":\"PAY1\"}", "PAY1", 200))
                .as("code as a string").isFalse();
        assertThat(SandboxMypvit.echoes(200, "{\"responseCode\":200,\"transactionId\":\"PAY2\"}", "PAY1", 200)).isFalse();
        assertThat(SandboxMypvit.echoes(200, "{\"responseCode\":200,\"transactionId\":\"PAY1\"}", "PAY1", 400))
                .as("a constant 200 for a failure").isFalse();
        assertThat(SandboxMypvit.echoes(201, "{\"responseCode\":200,\"transactionId\":\"PAY1\"}", "PAY1", 200)).isFalse();
        assertThat(SandboxMypvit.echoes(200, "OK", "PAY1", 200)).isFalse();
    }
}
