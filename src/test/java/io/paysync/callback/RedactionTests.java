package io.paysync.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    @ParameterizedTest
    @CsvSource({
            "077000001, 077****01",            // Gabon, national
            "24177000001, 241******01",        // Gabon, international
            "0343500003, 034*****03",          // Madagascar
            "261343500003, 261*******03",      // Madagascar, international
            "256700000001, 256*******01",      // Uganda
            "+256700000001, +256*******01",
            "08031234567, 080******67",        // Nigeria
            "2348031234567, 234********67",    // Nigeria, international
            "2250700000000, 225********00"})   // Cote d'Ivoire (CinetPay: prefix + number)
    void masksPhoneNumbersKeepingTheFirstThreeAndLastTwoDigits(String msisdn, String masked) {
        assertThat(Redaction.msisdns(msisdn)).isEqualTo(masked);
        assertThat(Redaction.msisdns("{\"payer\":\"" + msisdn + "\"}")).isEqualTo("{\"payer\":\"" + masked + "\"}");
        assertThat(Redaction.msisdns("cel_phone_num=" + msisdn + "&x=1")).isEqualTo("cel_phone_num=" + masked + "&x=1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ORDER0770000001", "PAY256700000001", "0770000001X", "500", "1444624445",
            "0123456", "2024-06-12T10:00:00Z", "550e8400-e29b-41d4-a716-256700000001", "25670000000123456",
            "C9E2935AE04CA88-0000000000000020", "1718000000000", "07700000", "call 07700000 or 0770000"})
    void leavesReferencesIdsAmountsAndTimestampsAlone(String text) {
        assertThat(Redaction.msisdns(text)).isEqualTo(text);
    }

    @Test
    void masksEveryNumberInALine() {
        assertThat(Redaction.msisdns("from 077000001 to +2348031234567, ref ORDER1"))
                .isEqualTo("from 077****01 to +234********67, ref ORDER1");
        assertThat(Redaction.msisdns(null)).isNull();
    }
}
