package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.paysync.provider.cinetpay.CinetpaySignatureVerifier;
import io.paysync.provider.ellypay.EllypaySignatureVerifier;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated real callbacks (issue 3 point 7): valid, correctly signed payloads of the
 * five providers, mutated (bit flips, byte deletions and insertions, truncations, swapped field
 * values, changed JSON types, duplicated and deleted fields, random unicode, huge numbers,
 * malformed form escapes) and sent concurrently, EllyPay and CinetPay with the signature of the
 * original (or none). Whatever comes in:
 * <ul>
 * <li>no 5xx, no stack trace in any answer; refusals are problem+json (VirtualPay: its 99 body);</li>
 * <li>every 200 left exactly one ACCEPTED/DUPLICATE inbox row and every 4xx exactly one REJECTED
 * row, per provider: nothing refused was accepted or changed anything;</li>
 * <li>a signed provider never accepts a body whose signed fields differ from what was signed,
 * nor an unsigned one;</li>
 * <li>everything accepted is processed by the pipeline (an accepted callback that can never be
 * stored is a 200 for nothing).</li>
 * </ul>
 * The run is seeded; a failure names its seed: replay with {@code -Dpaysync.fuzz.seed=<seed>}.
 */
class CallbackFuzzTests extends PaysyncHttpTestSupport {

    private static final long SEED = Long.getLong("paysync.fuzz.seed", 0x5EEDCA11BACL);
    private static final int MUTATIONS = 5_000;
    private static final int MUTATIONS_PER_BASE = 10;
    private static final int SENDERS = 6;
    private static final List<String> PROVIDERS = List.of("mypvit", "cinetpay", "ellypay", "virtualpay", "mvola");
    private static final String VIRTUALPAY_FAILED =
            "{\"response_code\":\"99\",\"response_message\":\"Failed Request\"}";
    private static final String[] HUGE_NUMBERS = {"1e400", "-1e400", "1e-400", "1E+10000", "1e-10000",
            "123456789012345678901234567890.123456789", "-0", "0.00000000000000000001", "9999999999999999999"};
    private static final String[] BAD_ESCAPES = {"%", "%G1", "%e9", "%ff%fe", "%%", "%0", "%C3%28", "+%2"};
    private static final ObjectMapper LENIENT = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void fiveThousandMutatedCallbacksNeverFailServerSideAndNothingRefusedChangesState() throws Exception {
        String seed = "seed " + SEED + " (replay: -Dpaysync.fuzz.seed=" + SEED + ")";
        List<Mutant> mutants = mutants(new Random(SEED));
        long lastId = lastInboxId();
        Results results = new Results();
        long started = System.nanoTime();

        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            mutants.forEach(mutant -> senders.execute(() -> send(mutant, results)));
            senders.shutdown();
            assertThat(senders.awaitTermination(3, TimeUnit.MINUTES)).as("all mutants sent; %s", seed).isTrue();
        } finally {
            senders.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("Callback fuzz: %d mutants in %d ms, %s; statuses %s%n", mutants.size(), took.toMillis(),
                seed, new TreeMap<>(results.statuses));

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(results.sent.get()).as("mutants answered; %s", seed).isEqualTo(MUTATIONS);
        softly.assertThat(results.violations()).as("responses breaking the rules, by kind; %s", seed).isEmpty();
        softly.assertThat(inboxRows(lastId, "outcome IN ('ACCEPTED', 'DUPLICATE')"))
                .as("ACCEPTED/DUPLICATE inbox rows per provider = 200 answers; %s", seed)
                .isEqualTo(results.counts(results.ok));
        softly.assertThat(inboxRows(lastId, "outcome = 'REJECTED'"))
                .as("REJECTED inbox rows per provider = 4xx answers; %s", seed)
                .isEqualTo(results.counts(results.refused));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> unprocessed(lastId).isEmpty());
        } catch (ConditionTimeoutException e) {
            softly.fail(jdbc.queryForObject("SELECT COUNT(*) FROM callback_inbox WHERE id > ? AND outcome = 'ACCEPTED'"
                    + " AND state <> 'PROCESSED'", Integer.class, lastId)
                    + " accepted callbacks the pipeline could not process (a 200 for nothing); " + seed + "; e.g.\n"
                    + String.join("\n", unprocessed(lastId)));
        }
        softly.assertAll();
    }

    // ================================================================ sending and checking

    private void send(Mutant mutant, Results results) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + http.port() + "/callbacks/" + mutant.provider))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", mutant.contentType)
                    .method(mutant.method, HttpRequest.BodyPublishers.ofByteArray(mutant.body));
            mutant.headers.forEach(request::header);
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            results.record(mutant, response.statusCode());
            String problem = problem(mutant, response);
            if (problem != null) {
                results.violation(mutant.provider + " " + response.statusCode() + " " + problem,
                        mutant + " → " + abbreviate(response.body()));
            }
        } catch (Exception e) {
            results.sent.incrementAndGet();
            results.violation(mutant.provider + " no answer " + e.getClass().getSimpleName(), mutant + " → " + e);
        }
    }

    /** What is wrong with this answer, or null. */
    private String problem(Mutant mutant, HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body();
        if (status != 200 && (status < 400 || status >= 500)) {
            return "status " + status;
        }
        if (body.contains("Exception") || body.contains("\tat ") || body.contains("java.")) {
            return "internals in the body";
        }
        if (status == 200) {
            return acceptedProblem(mutant, body);
        }
        if ("virtualpay".equals(mutant.provider)) {
            return VIRTUALPAY_FAILED.equals(body) ? null : "not the 99 body";
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            return "not problem+json";
        }
        try {
            JsonNode problem = json.readTree(body);
            return problem.path("status").asInt() == status && problem.path("detail").isTextual() ? null
                    : "problem without status or detail";
        } catch (Exception e) {
            return "unreadable problem";
        }
    }

    /** A 200 must be the provider's ack, and a signed provider must have verified what it took. */
    private String acceptedProblem(Mutant mutant, String body) {
        switch (mutant.provider) {
            case "mypvit" -> {
                JsonNode ack = readOrNull(body);
                return ack != null && ack.has("responseCode") && ack.has("transactionId") && ack.size() == 2 ? null
                        : "not a MyPVit ack";
            }
            case "virtualpay" -> {
                return body.contains("\"response_code\":\"00\"") || body.contains("\"response_code\":\"98\"") ? null
                        : "not a VirtualPay ack";
            }
            case "mvola" -> {
                return "{\"status\":\"RECEIVED\"}".equals(body) ? null : "not the MVola ack";
            }
            default -> {
                if (!body.isEmpty()) {
                    return "a bare 200 expected";
                }
                if (mutant.headers.isEmpty()) {
                    return "accepted without a signature";
                }
                String signed = signedContent(mutant.provider, new String(mutant.body, StandardCharsets.UTF_8));
                return signed == null || signed.equals(mutant.signedContent) ? null
                        : "accepted although the signed fields changed: " + abbreviate(signed);
            }
        }
    }

    /** What the provider's signature covers, read leniently; null when it cannot be read. */
    private static String signedContent(String provider, String body) {
        try {
            if ("cinetpay".equals(provider)) {
                Map<String, String> fields = new HashMap<>();
                for (String pair : body.split("&")) {
                    int eq = pair.indexOf('=');
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    fields.put(name, value);
                }
                return CinetpaySignatureVerifier.xToken(fields, "fuzz");
            }
            JsonNode root = LENIENT.readTree(body);
            if (root.has("event") || root.has("payload")) {
                JsonNode p = root.path("payload");
                return EllypaySignatureVerifier.gen2SignedString(text(root, "event"), text(p, "merchant_reference"),
                        text(p, "internal_reference"), text(p, "transaction_type"), text(p, "transaction_status"));
            }
            return EllypaySignatureVerifier.gen1SignedString(text(root, "id"), text(root, "internal_reference"),
                    text(root, "agent_reference"));
        } catch (Exception unreadable) {
            return null;
        }
    }

    private static String text(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private static JsonNode readOrNull(String body) {
        try {
            return LENIENT.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    // ================================================================ database

    private long lastInboxId() {
        Long id = jdbc.queryForObject("SELECT MAX(id) FROM callback_inbox", Long.class);
        return id == null ? 0 : id;
    }

    private Map<String, Integer> inboxRows(long lastId, String condition) {
        Map<String, Integer> counts = new TreeMap<>();
        jdbc.query("SELECT provider, COUNT(*) AS n FROM callback_inbox WHERE id > ? AND " + condition
                + " GROUP BY provider", rs -> {
                    counts.put(rs.getString("provider"), rs.getInt("n"));
                }, lastId);
        return counts;
    }

    private List<String> unprocessed(long lastId) {
        return jdbc.query("SELECT id, provider, state, attempts, last_error, body FROM callback_inbox"
                        + " WHERE id > ? AND outcome = 'ACCEPTED' AND state <> 'PROCESSED' ORDER BY id LIMIT 10",
                (rs, row) -> "#" + rs.getLong("id") + " " + rs.getString("provider") + " " + rs.getString("state")
                        + " after " + rs.getInt("attempts") + " attempts: " + abbreviate(rs.getString("last_error"))
                        + " — body " + abbreviate(rs.getString("body")),
                lastId);
    }

    // ================================================================ mutants

    /** One request to send; {@code signedContent} is what the original's signature covers. */
    record Mutant(int index, String provider, String method, String contentType, byte[] body,
            Map<String, String> headers, String signedContent, String how) {

        @Override
        public String toString() {
            return "#" + index + " " + provider + " [" + how + "] " + abbreviate(new String(body,
                    StandardCharsets.UTF_8));
        }
    }

    private record Base(String provider, String method, String contentType, String body,
            Map<String, String> signature) {
    }

    /** {@value #MUTATIONS} mutants, the same ones for the same seed (references aside). */
    static List<Mutant> mutants(Random random) {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 6).toUpperCase();
        List<Mutant> mutants = new ArrayList<>();
        Base base = null;
        for (int i = 0; i < MUTATIONS; i++) {
            int baseIndex = i / MUTATIONS_PER_BASE;
            if (i % MUTATIONS_PER_BASE == 0) {
                String provider = PROVIDERS.get(baseIndex % PROVIDERS.size());
                base = base(provider, "FZ" + run + provider.charAt(0) + "%04d".formatted(baseIndex), random);
            }
            mutants.add(mutate(i, base, random));
        }
        return mutants;
    }

    private static Base base(String provider, String ref, Random random) {
        return switch (provider) {
            case "mypvit" -> new Base(provider, "POST", "application/json", mypvit("PAY" + ref, ref,
                    pick(random, "SUCCESS", "FAILED", "PENDING"), pick(random, "200", "\"555\"")), Map.of());
            case "cinetpay" -> {
                String form = HostileInputTests.form(HostileInputTests.cinetpayFields(ref));
                yield new Base(provider, "POST", "application/x-www-form-urlencoded", form,
                        HostileInputTests.xToken(HostileInputTests.cinetpayFields(ref)));
            }
            case "ellypay" -> {
                String body = random.nextInt(10) < 7
                        ? ellypayGen2(ref, "transaction.completed", pick(random, "COMPLETED", "FAILED", "PENDING"))
                        : HostileInputTests.ellypayGen1(ref, "5000");
                yield new Base(provider, "POST", "application/json", body, HostileInputTests.signed(body));
            }
            case "virtualpay" -> new Base(provider, "POST", "application/json",
                    virtualpay(ref, String.valueOf(1_000_000_000L + random.nextInt(1_000_000_000)),
                            pick(random, "Complete", "Amount Mismatch")), Map.of());
            case "mvola" -> new Base(provider, "PUT", "application/json",
                    mvola(ref, pick(random, "completed", "failed", "pending")), Map.of());
            default -> throw new IllegalArgumentException(provider);
        };
    }

    private static Mutant mutate(int index, Base base, Random random) {
        boolean form = "cinetpay".equals(base.provider);
        byte[] body = base.body.getBytes(StandardCharsets.UTF_8);
        List<String> how = new ArrayList<>();
        int operations = random.nextInt(10) < 7 ? 1 : 2;
        for (int i = 0; i < operations; i++) {
            int operation = random.nextInt(form ? 11 : 12);
            byte[] mutated = operation < 4 ? bytes(operation, body, random, how)
                    : form ? form(operation - 4, body, random, how) : json(operation - 4, body, random, how);
            body = mutated != null ? mutated : bytes(random.nextInt(4), body, random, how);
        }
        Map<String, String> headers = base.signature;
        if (!headers.isEmpty() && random.nextInt(10) == 0) {
            headers = Map.of();
            how.add("unsigned");
        }
        String signedContent = base.signature.isEmpty() ? null : signedContent(base.provider, base.body);
        return new Mutant(index, base.provider, base.method, base.contentType, body, headers, signedContent,
                String.join(", ", how));
    }

    /** Byte-level: bit flips, deletions, insertions, truncation. */
    private static byte[] bytes(int operation, byte[] body, Random random, List<String> how) {
        if (body.length == 0) {
            how.add("insert into empty");
            return randomBytes(random, 1 + random.nextInt(8));
        }
        byte[] out;
        switch (operation) {
            case 0 -> {
                out = body.clone();
                int flips = 1 + random.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    int at = random.nextInt(out.length);
                    out[at] ^= (byte) (1 << random.nextInt(8));
                }
                how.add(flips + " bit flip(s)");
            }
            case 1 -> {
                int at = random.nextInt(body.length);
                int length = Math.min(body.length - at, 1 + random.nextInt(8));
                out = concat(Arrays.copyOfRange(body, 0, at), Arrays.copyOfRange(body, at + length, body.length));
                how.add("delete " + length + " byte(s) at " + at);
            }
            case 2 -> {
                int at = random.nextInt(body.length + 1);
                byte[] inserted = randomBytes(random, 1 + random.nextInt(8));
                out = concat(Arrays.copyOfRange(body, 0, at), inserted, Arrays.copyOfRange(body, at, body.length));
                how.add("insert " + inserted.length + " byte(s) at " + at);
            }
            default -> {
                int at = random.nextInt(body.length);
                out = Arrays.copyOfRange(body, 0, at);
                how.add("truncate at " + at);
            }
        }
        return out;
    }

    /** Structural JSON mutations; null when the body is no longer JSON (a byte mutation is used). */
    private static byte[] json(int operation, byte[] body, Random random, List<String> how) {
        JsonNode root = readOrNull(new String(body, StandardCharsets.UTF_8));
        List<Field> fields = new ArrayList<>();
        collect(root, fields);
        if (fields.isEmpty()) {
            return null;
        }
        Field field = fields.get(random.nextInt(fields.size()));
        switch (operation) {
            case 0 -> {
                Field other = fields.get(random.nextInt(fields.size()));
                JsonNode value = field.value();
                field.set(other.value().deepCopy());
                other.set(value.deepCopy());
                how.add("swap " + field.name + " and " + other.name);
            }
            case 1 -> {
                JsonNode changed = otherType(field.value(), random);
                field.set(changed);
                how.add("retype " + field.name + " to " + changed.getNodeType());
            }
            case 2 -> {
                field.remove();
                how.add("delete " + field.name);
            }
            case 3 -> {
                String value = field.value().isValueNode() ? field.value().asText() : "";
                int at = random.nextInt(value.length() + 1);
                String inserted = randomUnicode(random, 1 + random.nextInt(6));
                field.set(NODES.textNode(value.substring(0, at) + inserted + value.substring(at)));
                how.add("unicode into " + field.name);
            }
            case 4 -> {
                String huge = pick(random, HUGE_NUMBERS);
                field.set(NODES.rawValueNode(new RawValue(huge)));
                how.add(field.name + " = " + huge);
            }
            case 5 -> {
                String name = field.name;
                String text = root.toString();
                String key = "\"" + name + "\":";
                int at = text.indexOf(key);
                if (field.index >= 0 || at < 0) {
                    return null;
                }
                JsonNode other = otherType(field.value(), random);
                how.add("duplicate " + name);
                return (text.substring(0, at) + key + other + "," + text.substring(at))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 6 -> {
                field.set(NODES.textNode("Z".repeat(50 + random.nextInt(3000))));
                how.add("long " + field.name);
            }
            default -> {
                String wrapped = pick(random, "[" + root + "]", "\"" + root.toString().replace("\"", "\\\"") + "\"",
                        "null", "{}", "{\"payload\":" + root + "}");
                how.add("rewrap");
                return wrapped.getBytes(StandardCharsets.UTF_8);
            }
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Form mutations on the encoded pairs, kept as encoded except where the mutation is the encoding. */
    private static byte[] form(int operation, byte[] body, Random random, List<String> how) {
        List<String[]> pairs = new ArrayList<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&", -1)) {
            int eq = pair.indexOf('=');
            pairs.add(eq < 0 ? new String[] {pair, null}
                    : new String[] {pair.substring(0, eq), pair.substring(eq + 1)});
        }
        String[] pair = pairs.get(random.nextInt(pairs.size()));
        switch (operation) {
            case 0 -> {
                String[] other = pairs.get(random.nextInt(pairs.size()));
                String value = pair[1];
                pair[1] = other[1];
                other[1] = value;
                how.add("swap " + pair[0] + " and " + other[0]);
            }
            case 1 -> {
                pairs.add(random.nextInt(pairs.size() + 1), new String[] {pair[0],
                        URLEncoder.encode(randomUnicode(random, 3), StandardCharsets.UTF_8)});
                how.add("repeat " + pair[0]);
            }
            case 2 -> {
                pairs.remove(pair);
                how.add("delete " + pair[0]);
            }
            case 3 -> {
                String unicode = randomUnicode(random, 1 + random.nextInt(6));
                pair[1] = (pair[1] == null ? "" : pair[1]) + (random.nextBoolean()
                        ? URLEncoder.encode(unicode, StandardCharsets.UTF_8) : unicode);
                how.add("unicode into " + pair[0]);
            }
            case 4 -> {
                String[] amount = pairs.stream().filter(p -> "cpm_amount".equals(p[0])).findFirst().orElse(pair);
                amount[1] = URLEncoder.encode(pick(random, HUGE_NUMBERS), StandardCharsets.UTF_8);
                how.add(amount[0] + " huge");
            }
            case 5 -> {
                pair[1] = (pair[1] == null ? "" : pair[1]) + pick(random, BAD_ESCAPES);
                how.add("bad escape in " + pair[0]);
            }
            default -> {
                pair[1] = random.nextBoolean() ? "" : "Z".repeat(50 + random.nextInt(3000));
                how.add("resize " + pair[0]);
            }
        }
        return pairs.stream().map(p -> p[1] == null ? p[0] : p[0] + "=" + p[1]).collect(Collectors.joining("&"))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A field of an object or an element of an array somewhere in a JSON tree. */
    private record Field(JsonNode container, String name, int index) {

        JsonNode value() {
            return container instanceof ObjectNode object ? object.get(name) : container.get(index);
        }

        void set(JsonNode value) {
            if (container instanceof ObjectNode object) {
                object.set(name, value);
            } else {
                ((ArrayNode) container).set(index, value);
            }
        }

        void remove() {
            if (container instanceof ObjectNode object) {
                object.remove(name);
            } else {
                ((ArrayNode) container).remove(index);
            }
        }
    }

    private static void collect(JsonNode node, List<Field> fields) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                fields.add(new Field(object, name, -1));
                collect(object.get(name), fields);
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                fields.add(new Field(array, "[" + i + "]", i));
                collect(array.get(i), fields);
            }
        }
    }

    private static JsonNode otherType(JsonNode value, Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> value.isTextual() ? numberOrZero(value.asText()) : NODES.textNode(value.toString());
            case 1 -> NODES.nullNode();
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3 -> NODES.arrayNode().add(value.deepCopy());
            case 4 -> NODES.objectNode().set("value", value.deepCopy());
            default -> NODES.textNode("");
        };
    }

    private static JsonNode numberOrZero(String text) {
        try {
            return NODES.numberNode(new BigDecimal(text));
        } catch (NumberFormatException e) {
            return NODES.numberNode(0);
        }
    }

    private static String randomUnicode(Random random, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            switch (random.nextInt(8)) {
                case 0 -> text.append((char) random.nextInt(0x20)); // control characters, NUL included
                case 1 -> text.appendCodePoint(0x1F300 + random.nextInt(0x300)); // emoji (surrogate pairs)
                case 2 -> text.append((char) (0x0300 + random.nextInt(0x70))); // combining marks
                case 3 -> text.append(pick(random, "\u202E", "\u200B", "\uFEFF", "\uFFFD", "\u2028", "\uFFFF"));
                case 4 -> text.append((char) (0x00A0 + random.nextInt(0x160))); // Latin-1, Latin Extended
                case 5 -> text.append((char) (0x4E00 + random.nextInt(0x5000))); // CJK
                case 6 -> text.append(pick(random, "'", "\"", "\\", "${body}", "{{", "%", "&", "=", ";--", " "));
                default -> text.append((char) (0x21 + random.nextInt(0x5E))); // printable ASCII
            }
        }
        return text.toString();
    }

    private static byte[] randomBytes(Random random, int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        String oneLine = text.replace("\n", "\\n").replace("\r", "\\r");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…(" + text.length() + " chars)";
    }

    // ================================================================ results

    private static final class Results {

        final AtomicInteger sent = new AtomicInteger();
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> ok = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
        final Map<String, ConcurrentLinkedQueue<String>> violations = new ConcurrentHashMap<>();

        void record(Mutant mutant, int status) {
            sent.incrementAndGet();
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            if (status == 200) {
                ok.computeIfAbsent(mutant.provider, p -> new AtomicInteger()).incrementAndGet();
            } else if (status >= 400 && status < 500) {
                refused.computeIfAbsent(mutant.provider, p -> new AtomicInteger()).incrementAndGet();
            }
        }

        void violation(String kind, String example) {
            violations.computeIfAbsent(kind, k -> new ConcurrentLinkedQueue<>()).add(example);
        }

        /** Each kind of violation: how many, and the first examples. */
        List<String> violations() {
            return new TreeMap<>(violations).entrySet().stream()
                    .map(e -> e.getKey() + " ×" + e.getValue().size() + ", e.g.\n    "
                            + e.getValue().stream().limit(3).collect(Collectors.joining("\n    ")))
                    .toList();
        }

        Map<String, Integer> counts(Map<String, AtomicInteger> answers) {
            Map<String, Integer> counts = new TreeMap<>();
            answers.forEach((provider, count) -> counts.put(provider, count.get()));
            return counts;
        }
    }
}
