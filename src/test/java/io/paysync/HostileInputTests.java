package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.paysync.provider.cinetpay.CinetpaySignatureVerifier;
import io.paysync.support.TestSignatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Hostile input on every callback endpoint (issue 3 point 7; CONTRACT §2 "Rejections", §3
 * references): one table per provider. Every refused case must get its exact status with a body
 * that names the field or problem (problem+json; VirtualPay: its exact {@code 99} body, the
 * reason then checked in the recorded row), be recorded as exactly one REJECTED inbox row,
 * be counted in {@code paysync.callbacks.rejected} (provider, reason), and change nothing. The
 * few hostile-looking cases that are valid (SQL or Simple metacharacters inside a printable
 * reference) must be accepted and stored intact. After every case a valid, correctly signed
 * callback for a fresh reference still gets the provider's exact acknowledgement.
 *
 * <p>The tests run with {@code paysync.callbacks.max-body-size=8KB}: a 20,000-character value is
 * therefore a 413 here, before the parser's 16K string limit could see it.
 */
class HostileInputTests extends PaysyncHttpTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String JSON_TYPE = "application/json";
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";
    private static final String VIRTUALPAY_FAILED =
            "{\"response_code\":\"99\",\"response_message\":\"Failed Request\"}";
    private static final String VIRTUALPAY_OK =
            "{\"response_code\":\"00\",\"response_message\":\"Successful Request\"}";
    private static final String MVOLA_OK = "{\"status\":\"RECEIVED\"}";
    /** A key pair EllyPay does not own: its signatures must not verify. */
    private static final KeyPair STRANGER = TestSignatures.keyPair();

    @Autowired
    MeterRegistry meters;

    // ================================================================ the tables

    @ParameterizedTest(name = "mypvit: {0}")
    @MethodSource("mypvitCases")
    void mypvitRefusesHostileInputPreciselyAndStillAcceptsTheNextCallback(Case c) throws Exception {
        check("mypvit", c);
    }

    @ParameterizedTest(name = "cinetpay: {0}")
    @MethodSource("cinetpayCases")
    void cinetpayRefusesHostileInputPreciselyAndStillAcceptsTheNextCallback(Case c) throws Exception {
        check("cinetpay", c);
    }

    @ParameterizedTest(name = "ellypay: {0}")
    @MethodSource("ellypayCases")
    void ellypayRefusesHostileInputPreciselyAndStillAcceptsTheNextCallback(Case c) throws Exception {
        check("ellypay", c);
    }

    @ParameterizedTest(name = "virtualpay: {0}")
    @MethodSource("virtualpayCases")
    void virtualpayRefusesHostileInputWithIts99BodyAndStillAcceptsTheNextCallback(Case c) throws Exception {
        check("virtualpay", c);
    }

    @ParameterizedTest(name = "mvola: {0}")
    @MethodSource("mvolaCases")
    void mvolaRefusesHostileInputPreciselyAndStillAcceptsTheNextCallback(Case c) throws Exception {
        check("mvola", c);
    }

    @Test
    void unknownProviderPathIsA404ProblemThatIsRecordedAndCounted() throws Exception {
        String ref = unique("NOPE");
        long lastId = lastInboxId();
        double counted = refusals("unknown", "unknown-endpoint");

        HttpResponse<String> response = http.json("POST", "/callbacks/nope",
                mypvit("PAY" + ref, ref, "SUCCESS", "200"));

        assertProblem(response, 404, "known providers");
        assertThat(json.readTree(response.body()).get("detail").asText()).contains("/callbacks/nope");
        assertThat(newInboxRows(lastId)).singleElement().satisfies(row -> {
            assertThat(row.get("provider")).isEqualTo("unknown");
            assertThat(row.get("outcome")).isEqualTo("REJECTED");
            assertThat(((Number) row.get("http_status")).intValue()).isEqualTo(404);
        });
        assertThat(refusals("unknown", "unknown-endpoint")).isEqualTo(counted + 1);
        assertThat(paymentsNamed(ref)).isZero();
        assertNextValidCallbackIsAcknowledged("mypvit");
    }

    /**
     * A value that cannot be stored as it is (longer than its column, an amount beyond
     * NUMERIC(19,4)) must not be acknowledged and then lost: it is either refused with 400 naming
     * the field, or accepted and then processed into the payment.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizedFields")
    void oversizedFieldsAreRefusedNamingTheFieldOrStoredNeverAcknowledgedAndLost(Case c) throws Exception {
        String provider = c.path.substring("/callbacks/".length());
        long lastId = lastInboxId();

        HttpResponse<String> response = http.send(c.method, c.path, c.contentType, c.body, c.headers.get());

        List<Map<String, Object>> rows = newInboxRows(lastId);
        assertThat(rows).hasSize(1);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
        if (response.statusCode() == 400) {
            if ("virtualpay".equals(provider)) {
                assertThat(json.readTree(response.body())).isEqualTo(json.readTree(VIRTUALPAY_FAILED));
            } else {
                assertProblem(response, 400, c.detail);
            }
            assertThat(rows.get(0).get("outcome")).isEqualTo("REJECTED");
            assertThat((String) rows.get(0).get("reason")).contains(c.detail);
            return;
        }
        assertThat(response.statusCode()).as("either 400 naming %s, or 200: %s", c.detail, response.body())
                .isEqualTo(200);
        long id = ((Number) rows.get(0).get("id")).longValue();
        await().atMost(SETTLED).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM callback_inbox WHERE id = ? AND (state <> 'RECEIVED' OR attempts > 0)",
                Integer.class, id) == 1);
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT state, attempts, last_error FROM callback_inbox WHERE id = ?", id);
        assertThat(row.get("state")).as("acknowledged %s callback %s: %s", provider, c, row.get("last_error"))
                .isEqualTo("PROCESSED");
        assertThat(paymentCount(provider, c.reference)).isEqualTo(1);
    }

    static Stream<Case> oversizedFields() {
        List<Case> cases = new ArrayList<>();
        String r1 = unique("OVR");
        cases.add(oversized("mypvit operator of 65 characters", "POST", "mypvit",
                plain(set(mypvitBody(r1), "operator", "O".repeat(65))), "operator", r1));
        String r2 = unique("OVR");
        cases.add(oversized("mypvit customerID of 65 characters", "POST", "mypvit",
                plain(set(mypvitBody(r2), "customerID", "0".repeat(65))), "customerID", r2));
        String r3 = unique("OVR");
        cases.add(oversized("mypvit amount 10^15 (NUMERIC(19,4) holds 15 integer digits)", "POST", "mypvit",
                plain(set(mypvitBody(r3), "amount", raw("1000000000000000"))), "amount", r3));
        String r4 = unique("OVR");
        cases.add(oversized("ellypay transaction_currency of 9 characters", "POST", "ellypay",
                signedBody(set(ellypayGen2(r4, "transaction.completed", "COMPLETED"), "payload.transaction_currency",
                        "UGXUGXUGX")), "transaction_currency", r4));
        String r5 = unique("OVR");
        cases.add(oversized("ellypay transaction_charge 1e400", "POST", "ellypay",
                signedBody(set(ellypayGen2(r5, "transaction.completed", "COMPLETED"), "payload.transaction_charge",
                        raw("1e400"))), "transaction_charge", r5));
        String r6 = unique("OVR");
        cases.add(oversized("cinetpay cpm_currency of 9 characters", "POST", "cinetpay",
                signedForm(with(cinetpayFields(r6), "cpm_currency", "XOFXOFXOF")), "cpm_currency", r6));
        String r7 = unique("OVR");
        cases.add(oversized("virtualpay source_bank of 65 characters", "POST", "virtualpay",
                plain(set(virtualpayBody(r7), "source_bank", "B".repeat(65))), "source_bank", r7));
        String r8 = UUID.randomUUID().toString();
        cases.add(oversized("mvola feeAmount 10^16", "PUT", "mvola",
                plain(set(mvola(r8, "completed"), "fees.0.feeAmount", "10000000000000000")), "feeAmount",
                r8));
        return cases.stream();
    }

    private static Case oversized(String name, String method, String provider, Signed request, String field,
            String reference) {
        return providerCase(name, method, provider, request, 200, field, reference);
    }

    private static Case providerCase(String name, String method, String provider, Signed request, int status,
            String detail, String reference) {
        return new Case(name, method, "/callbacks/" + provider, "cinetpay".equals(provider) ? FORM_TYPE : JSON_TYPE,
                request.body, () -> request.headers, status, detail, null, reference, null);
    }

    /**
     * A NUL (PostgreSQL cannot store it in a text column) or another C0 control character in a field a
     * payment keeps: refused with 400 naming the field, before anything is acknowledged, and the refusal
     * recorded; a NUL byte anywhere in a body is malformed JSON, recorded too. On H2 as on PostgreSQL
     * (CallbackPipelineContract checks that nothing is left unprocessed there).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("controlCharacters")
    void controlCharactersInFreeTextFieldsAreRefusedNamingTheField(Case c) throws Exception {
        check(c.path.substring("/callbacks/".length()), c);
    }

    static Stream<Case> controlCharacters() {
        List<Case> cases = new ArrayList<>();
        refused(cases, "mypvit NUL in customerID", "mypvit",
                r -> plain(set(mypvitBody(r), "customerID", "077\0" + "001")),
                "field customerID must not contain control characters; character 4 is U+0000");
        refused(cases, "mypvit escape sequence in message", "mypvit",
                r -> plain(set(mypvitBody(r), "message", "\u001b[2Jpaid")),
                "field message must not contain control characters; character 1 is U+001B");
        refused(cases, "mypvit raw NUL byte in the body", "mypvit",
                r -> plain(mypvitBody(r).replace("\"operator\"", "\0\"operator\"")), "malformed JSON");
        refused(cases, "cinetpay NUL in cpm_error_message", "cinetpay",
                r -> signedForm(with(cinetpayFields(r), "cpm_error_message", "SUCCES\0")),
                "field cpm_error_message must not contain control characters");
        refused(cases, "ellypay NUL in status_message", "ellypay",
                r -> signedBody(set(ellypayGen2(r, "transaction.completed", "COMPLETED"), "payload.status_message",
                        "done\0")), "field status_message must not contain control characters");
        refused(cases, "virtualpay NUL in customer_id", "virtualpay",
                r -> plain(set(virtualpayBody(r), "customer_id", "CUST\0" + "01")),
                "field customer_id must not contain control characters");
        refused(cases, "virtualpay NUL in tran_response_message (the status reason)", "virtualpay",
                r -> plain(set(set(virtualpayBody(r), "tran_response_code", "51"), "tran_response_message",
                        "Insufficient\0funds")), "field statusReason must not contain control characters");
        refused(cases, "mvola NUL in the debitParty msisdn", "mvola",
                r -> plain(set(mvola(r, "completed"), "debitParty.0.value", "0343\0" + "500003")),
                "field debitParty.value must not contain control characters; character 5 is U+0000");
        return cases.stream();
    }

    /** A 400 for a fresh reference (MVola's serverCorrelationId is a UUID) of {@code provider}. */
    private static void refused(List<Case> cases, String name, String provider, Function<String, Signed> request,
            String detail) {
        boolean mvola = "mvola".equals(provider);
        String ref = mvola ? UUID.randomUUID().toString() : unique("CTL");
        cases.add(providerCase(name, mvola ? "PUT" : "POST", provider, request.apply(ref), 400, detail, ref));
    }

    /** A body sent without signature headers (the provider signs nothing). */
    private static Signed plain(String body) {
        return new Signed(body, Map.of());
    }

    // ================================================================ MyPVit

    static Stream<Case> mypvitCases() {
        String ref = unique("MPV");
        String valid = mypvitBody(ref);
        Table t = new Table("POST", "/callbacks/mypvit", JSON_TYPE);
        genericJsonCases(t, valid, "merchantReferenceId", ref);
        referenceCases(t, ref, r -> set(mypvitBody(ref), "merchantReferenceId", r), "merchantReferenceId");
        t.refused("transactionId missing", remove(valid, "transactionId"), 400, "missing field transactionId", ref);
        t.refused("transactionId as a JSON number", set(valid, "transactionId", NODES.numberNode(2802)), 400,
                "field transactionId must be a string", ref);
        t.refused("code missing", remove(valid, "code"), 400, "missing field code", ref);
        t.refused("code as an object", set(valid, "code", NODES.objectNode().put("v", 200)), 400,
                "field code must be a number or a string", ref);
        t.refused("status unknown (PAID)", set(valid, "status", "PAID"), 400, "unknown status 'PAID'", ref);
        t.refused("status as a JSON number", set(valid, "status", NODES.numberNode(1)), 400,
                "field status must be a string", ref);
        t.refused("status null", set(valid, "status", NODES.nullNode()), 400, "missing field status", ref);
        t.refused("status empty", set(valid, "status", ""), 400, "missing field status", ref);
        t.refused("amount as a string where a number is documented", set(valid, "amount", "500"), 400,
                "field amount must be a JSON number", ref);
        t.refused("amount not numeric", set(valid, "amount", "5OO"), 400, "field amount must be a JSON number", ref);
        t.refused("amount 1e400, beyond any storable amount", set(valid, "amount", raw("1e400")), 400, "amount", ref);
        t.refused("amount 1e10000, beyond any printable amount", set(valid, "amount", raw("1e10000")), 400, "amount",
                ref);
        acceptedReferenceCases(t, r -> mypvitBody(r), r -> mypvitAck(r));
        return t.cases();
    }

    static String mypvitBody(String ref) {
        return mypvit("PAY" + ref.replaceAll("[^A-Za-z0-9]", ""), ref, "SUCCESS", "200");
    }

    static String mypvitAck(String ref) {
        return "{\"responseCode\":200,\"transactionId\":\"PAY" + ref.replaceAll("[^A-Za-z0-9]", "") + "\"}";
    }

    // ================================================================ CinetPay

    static Stream<Case> cinetpayCases() {
        String ref = unique("CNP");
        Map<String, String> fields = cinetpayFields(ref);
        String valid = form(fields);
        Table t = new Table("POST", "/callbacks/cinetpay", FORM_TYPE);
        t.refused("empty body, signed", "", xToken(Map.of()), 400, "empty form", ref);
        t.refused("x-token missing", valid, Map.of(), 401, "missing x-token", ref);
        t.refused("x-token wrong", valid, Map.of("x-token", "0".repeat(64)), 401, "x-token does not match", ref);
        t.refused("x-token keyed with another secret (the apikey)", valid,
                Map.of("x-token", CinetpaySignatureVerifier.xToken(fields, "12912847765bc0db748fdd44.40081707")), 401,
                "x-token does not match", ref);
        t.refused("form field tampered after signing (cpm_amount)", form(with(fields, "cpm_amount", "5")),
                xToken(fields), 401, "x-token does not match", ref);
        t.refused("form field repeated (cpm_trans_id)", valid + "&cpm_trans_id=" + unique("CNP"), xToken(fields), 400,
                "form field cpm_trans_id is given 2 times", ref);
        t.refusedAs("cpm_trans_id missing, signed", signedForm(without(fields, "cpm_trans_id")), 400,
                "missing field cpm_trans_id", ref);
        t.refusedAs("cpm_trans_id empty, signed", signedForm(with(fields, "cpm_trans_id", "")), 400,
                "missing field cpm_trans_id", ref);
        referenceCases(t, ref, r -> signedForm(with(cinetpayFields(ref), "cpm_trans_id", r)), "cpm_trans_id");
        t.refusedAs("cpm_amount not numeric, signed", signedForm(with(fields, "cpm_amount", "cent")), 400,
                "field cpm_amount is not a number: 'cent'", ref);
        t.refused("malformed percent-encoding (cpm_trans_id=…%G1)",
                valid.replace("cpm_trans_id=" + ref, "cpm_trans_id=" + ref + "%G1"), xToken(fields), 400, "form", ref);
        t.refused("wrong method (PUT)", "PUT", FORM_TYPE, valid, xToken(fields), 405, "method PUT", "GET, POST", ref);
        t.refused("wrong content type (JSON)", "POST", JSON_TYPE, "{\"cpm_trans_id\":\"" + ref + "\"}", Map.of(), 415,
                "use " + FORM_TYPE, null, ref);
        Map<String, String> big = with(fields, "cpm_designation", "x".repeat(9000));
        t.refused("declared body over 8KB", form(big), xToken(big), 413, "over the limit", ref);
        acceptedReferenceCases(t, r -> signedForm(cinetpayFields(r)), r -> "");
        return t.cases();
    }

    static Map<String, String> cinetpayFields(String ref) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("cpm_site_id", "123456");
        fields.put("cpm_trans_id", ref);
        fields.put("cpm_trans_date", "2022-09-15 22:57:15");
        fields.put("cpm_amount", "100");
        fields.put("cpm_currency", "XOF");
        fields.put("signature", "abc123");
        fields.put("payment_method", "OM");
        fields.put("cel_phone_num", "0700000000");
        fields.put("cpm_phone_prefixe", "225");
        fields.put("cpm_language", "fr");
        fields.put("cpm_version", "V4");
        fields.put("cpm_payment_config", "Single");
        fields.put("cpm_page_action", "Payment");
        fields.put("cpm_custom", "");
        fields.put("cpm_designation", "Café crème");
        fields.put("cpm_error_message", "SUCCES");
        return fields;
    }

    // ================================================================ EllyPay

    static Stream<Case> ellypayCases() {
        String ref = unique("ELY");
        String valid = ellypayGen2(ref, "transaction.completed", "COMPLETED");
        Map<String, String> signature = signed(valid);
        Table t = new Table("POST", "/callbacks/ellypay", JSON_TYPE);
        // the body is parsed before any signature is checked: these are 400 whatever is signed
        t.refused("empty body", "", signature, 400, "empty body", ref);
        t.refused("malformed JSON", valid.substring(0, valid.length() / 2), signature, 400, "malformed JSON", ref);
        t.refused("JSON array instead of object", "[" + valid + "]", signature, 400, "a JSON object is expected", ref);
        t.refused("JSON string instead of object", JSON.valueToTree(valid).toString(), signature, 400,
                "a JSON object is expected", ref);
        t.refused("JSON number instead of object", "20760", signature, 400, "a JSON object is expected", ref);
        t.refused("nesting deeper than 16", deep(valid), signature, 400, "nesting depth", ref);
        t.refused("duplicated key (payload.transaction_status)",
                duplicateKey(valid, "transaction_status", "\"PENDING\""), signature, 400, "Duplicate field", ref);
        t.refused("20,000-character string value (over the 8KB body limit)",
                set(valid, "payload.status_message", "x".repeat(20_000)), signature, 413, "over the limit", ref);
        t.refused("payload not an object", set(valid, "payload", "COMPLETED"), signature, 400,
                "missing object payload", ref);
        // signatures
        t.refused("unsigned", valid, Map.of(), 401, "missing rsa-signature or hmac-signature", ref);
        t.refused("body tampered after signing", valid.replace("\"COMPLETED\"", "\"FAILED\""), signature, 401,
                "rsa-signature does not match", ref);
        t.refused("signature tampered", valid, Map.of("rsa-signature", tamper(signature.get("rsa-signature"))), 401,
                "rsa-signature does not match", ref);
        t.refused("signed with another key", valid, signed(valid, STRANGER.getPrivate()), 401,
                "rsa-signature does not match", ref);
        t.refused("signature not base64", valid, Map.of("rsa-signature", "%%%not-base64%%%"), 401,
                "malformed rsa-signature", ref);
        t.refused("rsa-signature and hmac-signature both wrong", valid, () -> {
            Map<String, String> both = new LinkedHashMap<>(signed(valid, STRANGER.getPrivate()));
            both.put("hmac-signature", "t=" + Instant.now().getEpochSecond() + ",s=" + "0".repeat(64));
            return both;
        }, 401, "rsa-signature does not match; hmac-signature does not match", ref);
        t.refused("gen-1 unsigned", ellypayGen1(ref, "5000"), Map.of(), 401, "missing ellypay-signature", ref);
        t.refused("gen-1 body tampered after signing", ellypayGen1(ref, "5000").replace("ELPREF", "ELPREX"),
                signed(ellypayGen1(ref, "5000")), 401, "ellypay-signature does not match", ref);
        // signed correctly, refused by what they say
        t.refusedSigned("event missing", remove(valid, "event"), 400, "missing field event", ref);
        t.refusedSigned("merchant_reference missing", remove(valid, "payload.merchant_reference"), 400,
                "missing field payload.merchant_reference", ref);
        t.refusedSigned("merchant_reference null", set(valid, "payload.merchant_reference", NODES.nullNode()), 400,
                "missing field payload.merchant_reference", ref);
        t.refusedSigned("merchant_reference empty", set(valid, "payload.merchant_reference", ""), 400,
                "missing field payload.merchant_reference", ref);
        t.refusedSigned("merchant_reference as a JSON number",
                set(valid, "payload.merchant_reference", NODES.numberNode(12345)), 400,
                "field merchant_reference must be a string", ref);
        referenceCases(t, ref, r -> signedBody(set(ellypayGen2(ref, "transaction.completed", "COMPLETED"),
                "payload.merchant_reference", r)), "payload.merchant_reference");
        t.refusedSigned("transaction_status unknown (DONE)", set(valid, "payload.transaction_status", "DONE"), 400,
                "unknown payload.transaction_status 'DONE'", ref);
        t.refusedSigned("transaction_amount not numeric", set(valid, "payload.transaction_amount", "lots"), 400,
                "field transaction_amount is not a number: 'lots'", ref);
        t.refusedSigned("gen-1 amount as a string where a number is documented", ellypayGen1(ref, "\"5000\""), 400,
                "field amount must be a JSON number", ref);
        t.refusedSigned("gen-1 status unknown (OK)", set(ellypayGen1(ref, "5000"), "status", "OK"), 400,
                "unknown status 'OK'", ref);
        t.refused("wrong method (GET)", "GET", null, null, Map.of(), 405, "method GET", "POST", ref);
        t.refused("wrong content type (text/plain)", "POST", "text/plain", valid, signature, 415,
                "use application/json", null, ref);
        t.refused("declared body over 8KB", "POST", JSON_TYPE, set(valid, "pad", "x".repeat(9000)), signature, 413,
                "over the limit", null, ref);
        acceptedReferenceCases(t, r -> signedBody(ellypayGen2(r, "transaction.completed", "COMPLETED")), r -> "");
        String hmacOnly = ellypayGen2(unique("ELYHMAC"), "transaction.completed", "COMPLETED");
        t.accepted("valid hmac-signature alone, fresh t", hmacOnly,
                () -> TestSignatures.ellypayHmac(hmacOnly, Instant.now().getEpochSecond()), "",
                object(hmacOnly).path("payload").path("merchant_reference").asText());
        // t is not signed: its age proves nothing, and EllyPay's retries may keep the first one
        String oldT = ellypayGen2(unique("ELYOLDT"), "transaction.completed", "COMPLETED");
        t.accepted("valid hmac-signature alone, t two days old", oldT,
                () -> TestSignatures.ellypayHmac(oldT, Instant.now().minus(Duration.ofDays(2)).getEpochSecond()), "",
                object(oldT).path("payload").path("merchant_reference").asText());
        String aheadT = ellypayGen2(unique("ELYNEWT"), "transaction.completed", "COMPLETED");
        t.accepted("valid hmac-signature alone, t an hour ahead", aheadT,
                () -> TestSignatures.ellypayHmac(aheadT, Instant.now().plus(Duration.ofHours(1)).getEpochSecond()), "",
                object(aheadT).path("payload").path("merchant_reference").asText());
        String rsaOnly = ellypayGen2(unique("ELYRSA"), "transaction.completed", "COMPLETED");
        t.accepted("valid rsa-signature with a wrong hmac-signature", rsaOnly, () -> {
            Map<String, String> both = new LinkedHashMap<>(signed(rsaOnly));
            both.put("hmac-signature", "t=" + Instant.now().getEpochSecond() + ",s=" + "0".repeat(64));
            return both;
        }, "", object(rsaOnly).path("payload").path("merchant_reference").asText());
        return t.cases();
    }

    static String ellypayGen1(String ref, String amountJson) {
        return """
                {"id":24546,"amount":%s,"product_code":"mtn_momo_ug","agent_reference":"%s",
                 "internal_reference":"ELPREF%s","agent_commission":50,"status":"SUCCESSFUL","message":"ok"}"""
                .formatted(amountJson, ref, ref);
    }

    // ================================================================ VirtualPay

    static Stream<Case> virtualpayCases() {
        String ref = unique("VPY");
        String valid = virtualpayBody(ref);
        Table t = new Table("POST", "/callbacks/virtualpay", JSON_TYPE);
        genericJsonCases(t, valid, "transaction_reference", ref);
        referenceCases(t, ref, r -> set(virtualpayBody(ref), "transaction_reference", r), "transaction_reference");
        t.refused("virtual_account_no missing", remove(valid, "virtual_account_no"), 400,
                "missing field virtual_account_no", ref);
        t.refused("tran_response_code missing", remove(valid, "tran_response_code"), 400,
                "missing field tran_response_code", ref);
        t.refused("tran_response_code as a JSON number", set(valid, "tran_response_code", NODES.numberNode(0)), 400,
                "field tran_response_code must be a string", ref);
        t.refused("transaction_amount as a number where a string is documented",
                set(valid, "transaction_amount", NODES.numberNode(new BigDecimal("1000.00"))), 400,
                "field transaction_amount must be a string", ref);
        t.refused("transaction_amount not numeric", set(valid, "transaction_amount", "1,000.00"), 400,
                "field transaction_amount is not a number", ref);
        t.refused("transaction_amount 1e400, beyond any storable amount", set(valid, "transaction_amount", "1e400"),
                400, "transaction_amount", ref);
        acceptedReferenceCases(t, r -> virtualpayBody(r), r -> VIRTUALPAY_OK);
        return t.cases();
    }

    static String virtualpayBody(String ref) {
        String account = String.valueOf(Math.abs(UUID.randomUUID().getMostSignificantBits()) % 9_000_000_000L
                + 1_000_000_000L);
        return virtualpay(ref, account, "Complete");
    }

    // ================================================================ MVola

    static Stream<Case> mvolaCases() {
        String ref = unique("MVL");
        String valid = mvola(ref, "completed");
        Table t = new Table("PUT", "/callbacks/mvola", JSON_TYPE);
        genericJsonCases(t, valid, "serverCorrelationId", ref);
        referenceCases(t, ref, r -> set(mvola(ref, "completed"), "serverCorrelationId", r), "serverCorrelationId");
        t.refused("transactionStatus missing", remove(valid, "transactionStatus"), 400,
                "missing field transactionStatus", ref);
        t.refused("transactionStatus unknown (done)", set(valid, "transactionStatus", "done"), 400,
                "unknown transactionStatus 'done'", ref);
        t.refused("transactionStatus in another case (COMPLETED)", set(valid, "transactionStatus", "COMPLETED"), 400,
                "unknown transactionStatus 'COMPLETED'", ref);
        t.refused("transactionStatus as a JSON boolean", set(valid, "transactionStatus", NODES.booleanNode(true)), 400,
                "field transactionStatus must be a string", ref);
        t.refused("feeAmount as a number where a string is documented",
                set(valid, "fees.0.feeAmount", NODES.numberNode(new BigDecimal("5.46"))), 400,
                "field feeAmount must be a string", ref);
        t.refused("feeAmount not numeric", set(valid, "fees.0.feeAmount", "abc"), 400,
                "field feeAmount is not a number: 'abc'", ref);
        acceptedReferenceCases(t, r -> mvola(r, "completed"), r -> MVOLA_OK);
        return t.cases();
    }

    // ================================================================ shared rows

    /** Rows every JSON endpoint shares; {@code referenceField} is the provider's key reference. */
    private static void genericJsonCases(Table t, String valid, String referenceField, String ref) {
        t.refused("empty body", "", 400, "empty body", ref);
        t.refused("malformed JSON", valid.substring(0, valid.length() / 2), 400, "malformed JSON", ref);
        t.refused("JSON array instead of object", "[" + valid + "]", 400, "a JSON object is expected", ref);
        t.refused("JSON string instead of object", JSON.valueToTree(valid).toString(), 400,
                "a JSON object is expected", ref);
        t.refused("JSON number instead of object", "42", 400, "a JSON object is expected", ref);
        t.refused("JSON null instead of object", "null", 400, "a JSON object is expected", ref);
        t.refused("nesting deeper than 16", deep(valid), 400, "nesting depth", ref);
        t.refused("20,000-character string value (over the 8KB body limit)", set(valid, "note", "x".repeat(20_000)),
                413, "over the limit", ref);
        t.refused("duplicated key (" + referenceField + ")",
                duplicateKey(valid, referenceField, "\"" + unique("DUP") + "\""), 400, "Duplicate field", ref);
        t.refused(referenceField + " missing", remove(valid, referenceField), 400, "missing field " + referenceField,
                ref);
        t.refused(referenceField + " null", set(valid, referenceField, NODES.nullNode()), 400,
                "missing field " + referenceField, ref);
        t.refused(referenceField + " empty", set(valid, referenceField, ""), 400, "missing field " + referenceField,
                ref);
        t.refused(referenceField + " as a JSON number", set(valid, referenceField, NODES.numberNode(12345)), 400,
                "field " + referenceField + " must be a string", ref);
        String wrongMethod = "PUT".equals(t.method) ? "POST" : "GET";
        t.refused("wrong method (" + wrongMethod + ")", wrongMethod, JSON_TYPE, valid, Map.of(), 405,
                "method " + wrongMethod, t.method, ref);
        t.refused("wrong content type (text/plain)", t.method, "text/plain", valid, Map.of(), 415,
                "use application/json", null, ref);
        t.refused("content type missing", t.method, null, valid, Map.of(), 415, "content type (none)", null, ref);
        t.refused("declared body over 8KB", t.method, JSON_TYPE, set(valid, "pad", "x".repeat(9000)), Map.of(), 413,
                "over the limit", null, ref);
    }

    /**
     * References must be 1–100 printable ASCII characters (CONTRACT §3): everything else is 400
     * naming the field, never truncated or altered.
     */
    private static void referenceCases(Table t, String ref, Function<String, Object> request,
            String field) {
        String detail = "field " + field + " must be";
        String tooLong = ref + "R".repeat(101 - ref.length());
        t.refusedAs("reference of 101 characters", request.apply(tooLong), 400,
                detail + " 1 to 100 characters, got 101", tooLong.substring(0, 100));
        t.refusedAs("reference with non-ASCII (é)", request.apply(ref + "é"), 400,
                detail + " printable ASCII without spaces", ref + "é");
        t.refusedAs("reference with a space", request.apply(ref + " 2"), 400,
                detail + " printable ASCII without spaces", ref + " 2");
        t.refusedAs("reference with a control character (U+0001)", request.apply(ref + "\u0001"), 400,
                detail + " printable ASCII without spaces", ref + "\u0001");
        t.refusedAs("reference with a tab", request.apply("\t" + ref), 400,
                detail + " printable ASCII without spaces; character 1", "\t" + ref);
        t.refusedAs("reference x'; DROP TABLE payment;-- (spaces)", request.apply("x'; DROP TABLE payment;--"), 400,
                detail + " printable ASCII without spaces", "x'; DROP TABLE payment;--");
    }

    /** Printable references that look hostile are valid: stored exactly, never interpreted. */
    private static void acceptedReferenceCases(Table t, Function<String, Object> request,
            Function<String, String> ack) {
        String sql = unique("A") + "';--";
        t.acceptedAs("SQL metacharacters in a printable reference (" + sql + ")", request.apply(sql), ack.apply(sql),
                sql);
        String simple = unique("S") + "${body}";
        t.acceptedAs("Simple-language bait in a reference (" + simple + ")", request.apply(simple),
                ack.apply(simple), simple);
        String header = unique("H") + "${header.CamelHttpMethod}{{paysync.api.key}}";
        t.acceptedAs("Simple and placeholder bait in a reference", request.apply(header), ack.apply(header), header);
    }

    // ================================================================ the check

    private void check(String provider, Case c) throws Exception {
        try {
            checkCase(provider, c);
        } catch (AssertionError e) {
            throw new AssertionError(provider + " case '" + c + "': " + e.getMessage(), e);
        }
    }

    private void checkCase(String provider, Case c) throws Exception {
        long lastId = lastInboxId();
        String reason = reason(c.status);
        double counted = refusals(provider, reason);

        HttpResponse<String> response = http.send(c.method, c.path, c.contentType, c.body, c.headers.get());

        assertThat(response.statusCode()).as("status of %s; body %s", c, response.body()).isEqualTo(c.status);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
        List<Map<String, Object>> rows = newInboxRows(lastId);
        if (c.status == 200) {
            assertAccepted(provider, c, response, rows);
            assertThat(refusals(provider, "invalid")).isEqualTo(counted);
        } else {
            assertRefused(provider, c, response, rows);
            assertThat(refusals(provider, reason)).as("paysync.callbacks.rejected{provider=%s,reason=%s}", provider,
                    reason).isEqualTo(counted + 1);
        }
        assertNextValidCallbackIsAcknowledged(provider);
    }

    private void assertRefused(String provider, Case c, HttpResponse<String> response,
            List<Map<String, Object>> rows) throws Exception {
        if ("virtualpay".equals(provider)) {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith(JSON_TYPE));
            assertThat(json.readTree(response.body())).isEqualTo(json.readTree(VIRTUALPAY_FAILED));
        } else {
            assertProblem(response, c.status, c.detail);
        }
        if (c.allow != null) {
            assertThat(response.headers().firstValue("Allow")).contains(c.allow);
        }
        assertThat(rows).as("inbox rows recorded for %s", c).singleElement().satisfies(row -> {
            assertThat(row.get("provider")).isEqualTo(provider);
            assertThat(row.get("outcome")).isEqualTo("REJECTED");
            assertThat(((Number) row.get("http_status")).intValue()).isEqualTo(c.status);
            assertThat((String) row.get("reason")).contains(c.detail);
        });
        if (c.reference != null) {
            assertThat(paymentsNamed(c.reference)).as("payments for %s", c.reference).isZero();
        }
    }

    private void assertAccepted(String provider, Case c, HttpResponse<String> response,
            List<Map<String, Object>> rows) throws Exception {
        if (c.ack.isEmpty()) {
            assertThat(response.body()).isEmpty();
        } else {
            assertThat(json.readTree(response.body())).isEqualTo(json.readTree(c.ack));
        }
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.get("outcome")).isEqualTo("ACCEPTED");
            assertThat(((Number) row.get("http_status")).intValue()).isEqualTo(200);
        });
        String path = "/api/payments/" + provider + "/" + URLEncoder.encode(c.reference, StandardCharsets.UTF_8);
        await().atMost(SETTLED).until(() -> http.api("GET", path, null).statusCode() == 200);
        JsonNode payment = json.readTree(http.api("GET", path, null).body());
        assertThat(payment.get("merchantReference").asText()).isEqualTo(c.reference);
        assertThat(jdbc.queryForList(
                "SELECT merchant_reference FROM payment WHERE provider = ? AND merchant_reference = ?",
                String.class, provider, c.reference)).containsExactly(c.reference);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM payment", Integer.class)).isPositive();
    }

    /** A valid, correctly signed callback for a fresh reference: 200 and the provider's exact ack. */
    private void assertNextValidCallbackIsAcknowledged(String provider) throws Exception {
        String ref = unique("NEXT");
        Object request = switch (provider) {
            case "mypvit" -> mypvitBody(ref);
            case "cinetpay" -> signedForm(cinetpayFields(ref));
            case "ellypay" -> signedBody(ellypayGen2(ref, "transaction.completed", "COMPLETED"));
            case "virtualpay" -> virtualpayBody(ref);
            case "mvola" -> mvola(ref, "completed");
            default -> throw new IllegalArgumentException(provider);
        };
        String ack = switch (provider) {
            case "mypvit" -> mypvitAck(ref);
            case "virtualpay" -> VIRTUALPAY_OK;
            case "mvola" -> MVOLA_OK;
            default -> "";
        };
        Signed s = request instanceof Signed signed ? signed : new Signed((String) request, Map.of());
        long lastId = lastInboxId();
        HttpResponse<String> response = http.send(
                "mvola".equals(provider) ? "PUT" : "POST", "/callbacks/" + provider,
                "cinetpay".equals(provider) ? FORM_TYPE : JSON_TYPE, s.body, s.headers);

        assertThat(response.statusCode()).as("valid %s callback after a hostile one: %s", provider, response.body())
                .isEqualTo(200);
        if (ack.isEmpty()) {
            assertThat(response.body()).isEmpty();
        } else {
            assertThat(json.readTree(response.body())).isEqualTo(json.readTree(ack));
        }
        assertThat(newInboxRows(lastId)).extracting(row -> row.get("outcome")).containsExactly("ACCEPTED");
    }

    // ================================================================ database and metrics

    private long lastInboxId() {
        Long id = jdbc.queryForObject("SELECT MAX(id) FROM callback_inbox", Long.class);
        return id == null ? 0 : id;
    }

    private List<Map<String, Object>> newInboxRows(long lastId) {
        return jdbc.queryForList("SELECT id, provider, outcome, http_status, reason FROM callback_inbox WHERE id > ?"
                + " ORDER BY id", lastId);
    }

    private int paymentsNamed(String reference) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM payment WHERE merchant_reference = ? OR provider_reference = ?"
                + " OR match_key = ?", Integer.class, reference, reference, reference);
    }

    private double refusals(String provider, String reason) {
        Counter counter = meters.find("paysync.callbacks.rejected").tag("provider", provider).tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** The {@code reason} tag of a refusal, as operators see it. */
    private static String reason(int status) {
        return switch (status) {
            case 200 -> "invalid";
            case 400 -> "invalid";
            case 401 -> "signature";
            case 404 -> "unknown-endpoint";
            case 405 -> "method";
            case 413 -> "too-large";
            case 415 -> "media-type";
            default -> throw new IllegalArgumentException("no case expects " + status);
        };
    }

    // ================================================================ the table model

    /** One row: a request and what paysync must answer. */
    record Case(String name, String method, String path, String contentType, String body,
            Supplier<Map<String, String>> headers, int status, String detail, String allow, String reference,
            String ack) {

        @Override
        public String toString() {
            return name;
        }
    }

    /** A body and the headers that sign it. */
    record Signed(String body, Map<String, String> headers) {
    }

    private static final class Table {

        final String method;
        final String path;
        final String contentType;
        final List<Case> rows = new ArrayList<>();

        Table(String method, String path, String contentType) {
            this.method = method;
            this.path = path;
            this.contentType = contentType;
        }

        void refused(String name, String body, int status, String detail, String reference) {
            refused(name, body, Map.of(), status, detail, reference);
        }

        void refused(String name, String body, Map<String, String> headers, int status, String detail,
                String reference) {
            refused(name, body, () -> headers, status, detail, reference);
        }

        void refused(String name, String body, Supplier<Map<String, String>> headers, int status, String detail,
                String reference) {
            rows.add(new Case(name, method, path, contentType, body, headers, status, detail, null, reference, null));
        }

        void refused(String name, String method, String contentType, String body, Map<String, String> headers,
                int status, String detail, String allow, String reference) {
            rows.add(new Case(name, method, path, contentType, body, () -> headers, status, detail, allow, reference,
                    null));
        }

        /** A body signed as EllyPay signs it. */
        void refusedSigned(String name, String body, int status, String detail, String reference) {
            refused(name, body, signed(body), status, detail, reference);
        }

        /** A request that is either a plain body or a {@link Signed} one. */
        void refusedAs(String name, Object request, int status, String detail, String reference) {
            Signed s = request instanceof Signed signed ? signed : new Signed((String) request, Map.of());
            refused(name, s.body, s.headers, status, detail, reference);
        }

        void accepted(String name, String body, Supplier<Map<String, String>> headers, String ack, String reference) {
            rows.add(new Case(name, method, path, contentType, body, headers, 200, null, null, reference, ack));
        }

        void acceptedAs(String name, Object request, String ack, String reference) {
            Signed s = request instanceof Signed signed ? signed : new Signed((String) request, Map.of());
            accepted(name, s.body, () -> s.headers, ack, reference);
        }

        Stream<Case> cases() {
            assertThat(rows.size()).as("cases in the table of %s", path).isGreaterThanOrEqualTo(15);
            return rows.stream();
        }
    }

    // ================================================================ payload surgery

    /** Sets a field (path with dots; numeric segments index arrays) to a string or a JSON node. */
    static String set(String body, String path, Object value) {
        ObjectNode root = object(body);
        String[] segments = path.split("\\.");
        JsonNode parent = root;
        for (int i = 0; i < segments.length - 1; i++) {
            parent = segments[i].matches("\\d+") ? parent.get(Integer.parseInt(segments[i])) : parent.get(segments[i]);
        }
        JsonNode node = value instanceof JsonNode n ? n : NODES.textNode((String) value);
        String last = segments[segments.length - 1];
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), node);
        } else {
            ((ObjectNode) parent).set(last, node);
        }
        return root.toString();
    }

    static String remove(String body, String path) {
        ObjectNode root = object(body);
        int dot = path.lastIndexOf('.');
        JsonNode parent = dot < 0 ? root : root.at("/" + path.substring(0, dot).replace('.', '/'));
        ((ObjectNode) parent).remove(path.substring(dot + 1));
        return root.toString();
    }

    /** The body with {@code "field":<other>} written just before the first {@code "field":}. */
    static String duplicateKey(String body, String field, String otherValue) {
        String key = "\"" + field + "\":";
        assertThat(body).contains(key);
        return body.replaceFirst(Pattern.quote(key), Matcher.quoteReplacement(key + otherValue + ","
                + key));
    }

    /** The body with a field nested 20 arrays deep (the limit is 16 levels). */
    static String deep(String body) {
        return "{\"deep\":" + "[".repeat(20) + "]".repeat(20) + "," + body.strip().substring(1);
    }

    static JsonNode raw(String json) {
        return NODES.rawValueNode(new RawValue(json));
    }

    private static ObjectNode object(String body) {
        try {
            return (ObjectNode) JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ================================================================ forms and signatures

    static Map<String, String> with(Map<String, String> fields, String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(fields);
        changed.put(name, value);
        return changed;
    }

    static Map<String, String> without(Map<String, String> fields, String name) {
        Map<String, String> changed = new LinkedHashMap<>(fields);
        changed.remove(name);
        return changed;
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Map<String, String> xToken(Map<String, String> fields) {
        return Map.of("x-token", CinetpaySignatureVerifier.xToken(fields, TestSignatures.CINETPAY_SECRET));
    }

    static Signed signedForm(Map<String, String> fields) {
        return new Signed(form(fields), xToken(fields));
    }

    static Signed signedBody(String body) {
        return new Signed(body, signed(body));
    }

    static Map<String, String> signed(String body) {
        return signed(body, TestSignatures.ELLYPAY.getPrivate());
    }

    static Map<String, String> signed(String body, PrivateKey key) {
        return TestSignatures.ellypay(body, key);
    }

    /** The same signature with one byte in its middle changed (still valid base64). */
    static String tamper(String base64) {
        char[] chars = base64.toCharArray();
        chars[20] = chars[20] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

}
