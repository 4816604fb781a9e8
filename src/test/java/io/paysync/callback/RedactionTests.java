package io.paysync.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RedactionTests {

    @ParameterizedTest
    @ValueSource(strings = {"X-Callback-Token", "token", "X-Signature", "X-Hub-Signature-256", "Client-Secret",
            "X-Password", "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-APIKEY",
            "apikey", "AUTHORIZATION"})
    void redactsSecretHeaderValuesAndKeepsTheirNames(String name) {
        Map<String, String> redacted = Redaction.headers(Map.of(name, "s3cr3t"));

        assertThat(redacted).containsExactly(Map.entry(name, "[redacted]"));
    }

    @Test
    void leavesOrdinaryHeadersUntouchedAndInOrder() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Authorization", "Bearer abc");
        headers.put("User-Agent", "MyPVit/1.0");
        headers.put("X-Forwarded-For", "10.0.0.1");

        Map<String, String> redacted = Redaction.headers(headers);

        assertThat(redacted).containsExactly(
                Map.entry("Content-Type", "application/json"),
                Map.entry("Authorization", "[redacted]"),
                Map.entry("User-Agent", "MyPVit/1.0"),
                Map.entry("X-Forwarded-For", "10.0.0.1"));
        assertThat(headers).containsEntry("Authorization", "Bearer abc");
    }

    @Test
    void redactsSecretQueryParameterValues() {
        assertThat(Redaction.query("token=abc&ref=1")).isEqualTo("token=[redacted]&ref=1");
    }

    @Test
    void redactsQueryParametersWhateverTheirCase() {
        assertThat(Redaction.query("ref=1&API_KEY=xyz&Signature=ff")).isEqualTo("ref=1&API_KEY=xyz&Signature=[redacted]");
        assertThat(Redaction.query("Api-Key=xyz")).isEqualTo("Api-Key=[redacted]");
    }

    @Test
    void keepsOrdinaryQueryAsSent() {
        assertThat(Redaction.query("ref=ORDER%2042&amount=500")).isEqualTo("ref=ORDER%2042&amount=500");
    }

    @Test
    void nullOrEmptyQueryIsNull() {
        assertThat(Redaction.query(null)).isNull();
        assertThat(Redaction.query("")).isNull();
    }

    @Test
    void keepsParameterWithoutEqualsAsIs() {
        assertThat(Redaction.query("flag&token=abc")).isEqualTo("flag&token=[redacted]");
        assertThat(Redaction.query("token")).isEqualTo("token");
    }

    @Test
    void redactsEmptySecretValue() {
        assertThat(Redaction.query("token=&ref=1")).isEqualTo("token=[redacted]&ref=1");
    }
}
