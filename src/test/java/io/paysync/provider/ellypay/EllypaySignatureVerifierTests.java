package io.paysync.provider.ellypay;

import static io.paysync.provider.Callbacks.edit;
import static io.paysync.provider.Callbacks.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.Callbacks;
import io.paysync.provider.HmacSha256;
import io.paysync.provider.RawCallback;
import io.paysync.support.TestSignatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class EllypaySignatureVerifierTests {

    /** Generated here, never committed: EllyPay's key pair, and someone else's. */
    private static final KeyPair ELLYPAY = TestSignatures.keyPair();
    private static final KeyPair OTHER = TestSignatures.keyPair();

    private static final String SIGNING_KEY = "TEST_SIGNING_KEY";
    /** When the tests' signatures are made: {@code t} is never compared with any clock. */
    private static final Instant NOW = Instant.parse("2025-06-02T10:15:30Z");

    /** The documented gen-1 example (PROVIDERS.md §3.3), which the gen-1 fixture carries. */
    private static final String GEN1_SIGNED = "24546:ELPREFYRWWM8FKMBH1A5A:CSTREFYRWWVRKLG6W1P3";
    /** The documented gen-2 example (§3.4), which the gen2-charges fixture carries. */
    private static final String GEN2_SIGNED =
            "transaction.charges:MCTREFNGKLP5VQCQSBH2:ELPREFA65BGTFR7NGUXM:COLLECTION:PENDING";
    /** §6: hex HMAC-SHA256 of {@link #GEN2_SIGNED} keyed with {@link #SIGNING_KEY}. */
    private static final String GEN2_VECTOR_HMAC = "e1ffbe27846574cd5ef24d615310f8b4e64b0cccce7de20a46b2baefd1167966";

    private static String sign(PrivateKey key, String algorithm, String data) {
        return TestSignatures.rsa(key, algorithm, data);
    }

    private static EllypaySignatureVerifier verifier(String publicKey, String signingKey, String gen1Algorithm) {
        return new EllypaySignatureVerifier(new EllypayProperties(publicKey, signingKey, gen1Algorithm, null, null));
    }

    private static EllypaySignatureVerifier verifier(String publicKey, String signingKey) {
        return verifier(publicKey, signingKey, null);
    }

    private static String ellypayPem() {
        return EllypaySignatureVerifier.pem(ELLYPAY.getPublic());
    }

    /** A JSON POST as the request reader leaves it, with these headers (names in lower case). */
    private static RawCallback post(String body, String... headerNamesAndValues) {
        RawCallback json = Callbacks.json("ellypay", "POST", body);
        Map<String, String> headers = new HashMap<>(json.headers());
        for (int i = 0; i < headerNamesAndValues.length; i += 2) {
            headers.put(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        return new RawCallback(json.provider(), json.method(), json.path(), json.contentType(), headers, json.query(),
                json.form(), json.body(), json.bodySize(), json.remoteAddress(), json.receivedAt());
    }

    private static CallbackRejectedException rejection(EllypaySignatureVerifier verifier, RawCallback callback) {
        return assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> verifier.verify(callback))
                .actual();
    }

    private static String gen1() {
        return fixture("ellypay", "gen1-successful.json");
    }

    private static String gen2() {
        return fixture("ellypay", "gen2-charges.json");
    }

    private static String hmacHeader(Instant t, String key, String signed) {
        return "t=" + t.getEpochSecond() + ",s=" + HmacSha256.hex(key, signed);
    }

    // gen-1: ellypay-signature

    @Test
    void acceptsAGen1CallbackSignedWithTheDocumentedString() throws Exception {
        assertThat(EllypaySignatureVerifier.gen1SignedString("24546", "ELPREFYRWWM8FKMBH1A5A", "CSTREFYRWWVRKLG6W1P3"))
                .isEqualTo(GEN1_SIGNED);
        EllypaySignatureVerifier verifier = verifier(ellypayPem(), null);

        assertThat(verifier.provider()).isEqualTo("ellypay");
        assertThatCode(() -> verifier.verify(post(gen1(), "ellypay-signature",
                sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN1_SIGNED)))).doesNotThrowAnyException();
    }

    @Test
    void signsTheGen1IdAsWrittenWhetherNumberOrString() throws Exception {
        String idAsString = edit(gen1(), root -> root.put("id", "24546"));
        String signature = sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN1_SIGNED);

        assertThatCode(() -> verifier(ellypayPem(), null).verify(post(idAsString, "ellypay-signature", signature)))
                .doesNotThrowAnyException();
    }

    @Test
    void verifiesGen1WithSha1WhenConfiguredSo() throws Exception {
        String sha1 = sign(ELLYPAY.getPrivate(), "SHA1withRSA", GEN1_SIGNED);

        assertThatCode(() -> verifier(ellypayPem(), null, "SHA1withRSA").verify(post(gen1(), "ellypay-signature", sha1)))
                .doesNotThrowAnyException();
        // the default is SHA-256: the same SHA-1 signature is refused there
        assertThat(rejection(verifier(ellypayPem(), null), post(gen1(), "ellypay-signature", sha1)).status())
                .isEqualTo(401);
    }

    @Test
    void refusesAGen1CallbackWhoseAgentReferenceWasChanged() throws Exception {
        String tampered = edit(gen1(), root -> root.put("agent_reference", "CSTREFSOMEONEELSE0001"));
        String signature = sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN1_SIGNED);

        CallbackRejectedException rejected = rejection(verifier(ellypayPem(), null),
                post(tampered, "ellypay-signature", signature));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).isEqualTo("ellypay-signature does not match");
    }

    @Test
    void refusesATamperedGen1Signature() throws Exception {
        byte[] signature = Base64.getDecoder().decode(sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN1_SIGNED));
        signature[10] ^= 0x01;

        CallbackRejectedException rejected = rejection(verifier(ellypayPem(), null),
                post(gen1(), "ellypay-signature", Base64.getEncoder().encodeToString(signature)));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).isEqualTo("ellypay-signature does not match");
    }

    @Test
    void refusesAGen1SignatureThatIsNotBase64OrNotOfTheKeySize() {
        EllypaySignatureVerifier verifier = verifier(ellypayPem(), null);

        assertThat(rejection(verifier, post(gen1(), "ellypay-signature", "not base64!")).getMessage())
                .isEqualTo("malformed ellypay-signature; base64 expected");
        assertThat(rejection(verifier, post(gen1(), "ellypay-signature", "c2hvcnQ=")).status()).isEqualTo(401);
    }

    @Test
    void refusesAGen1CallbackSignedWithAnotherKey() throws Exception {
        String signature = sign(OTHER.getPrivate(), "SHA256withRSA", GEN1_SIGNED);

        assertThat(rejection(verifier(ellypayPem(), null), post(gen1(), "ellypay-signature", signature)).status())
                .isEqualTo(401);
    }

    @Test
    void refusesAGen1CallbackWithoutSignature() {
        CallbackRejectedException rejected = rejection(verifier(ellypayPem(), SIGNING_KEY), post(gen1()));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).isEqualTo("missing ellypay-signature");
    }

    @Test
    void refusesEveryGen1CallbackWhenNoPublicKeyIsConfigured() throws Exception {
        String signature = sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN1_SIGNED);

        CallbackRejectedException rejected = rejection(verifier(null, SIGNING_KEY),
                post(gen1(), "ellypay-signature", signature));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).contains("paysync.providers.ellypay.public-key");
    }

    // gen-2: rsa-signature and hmac-signature

    @Test
    void reproducesTheDocumentedHmacTestVector() {
        assertThat(EllypaySignatureVerifier.gen2SignedString("transaction.charges", "MCTREFNGKLP5VQCQSBH2",
                "ELPREFA65BGTFR7NGUXM", "COLLECTION", "PENDING")).isEqualTo(GEN2_SIGNED);
        assertThat(HmacSha256.hex(SIGNING_KEY, GEN2_SIGNED)).isEqualTo(GEN2_VECTOR_HMAC);

        // and the documented callback carrying it verifies, t unsigned
        assertThatCode(() -> verifier(null, SIGNING_KEY).verify(post(gen2(), "hmac-signature",
                "t=" + NOW.getEpochSecond() + ",s=" + GEN2_VECTOR_HMAC))).doesNotThrowAnyException();
    }

    @Test
    void acceptsAGen2CallbackWithAValidRsaSignature() throws Exception {
        String signature = sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN2_SIGNED);

        assertThatCode(() -> verifier(ellypayPem(), null).verify(post(gen2(), "rsa-signature", signature)))
                .doesNotThrowAnyException();
    }

    @Test
    void verifiesGen2RsaWithSha256WhateverTheGen1Algorithm() throws Exception {
        String sha1 = sign(ELLYPAY.getPrivate(), "SHA1withRSA", GEN2_SIGNED);
        String sha256 = sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN2_SIGNED);
        EllypaySignatureVerifier gen1Sha1 = verifier(ellypayPem(), null, "SHA1withRSA");

        assertThatCode(() -> gen1Sha1.verify(post(gen2(), "rsa-signature", sha256))).doesNotThrowAnyException();
        assertThat(rejection(gen1Sha1, post(gen2(), "rsa-signature", sha1)).status()).isEqualTo(401);
    }

    @Test
    void acceptsTheDocumentedTestVectorWhateverTheAgeOfItsTimestamp() {
        EllypaySignatureVerifier verifier = verifier(null, SIGNING_KEY);
        // EllyPay retries final callbacks with back-off and may keep the first t: days, a year, 1970
        Instant[] stamps = {Instant.parse("2023-01-01T00:00:00Z"), Instant.now().minus(Duration.ofDays(3)),
                Instant.now().plus(Duration.ofHours(2)), Instant.EPOCH};

        for (Instant t : stamps) {
            assertThatCode(() -> verifier.verify(post(gen2(), "hmac-signature",
                    "t=" + t.getEpochSecond() + ",s=" + GEN2_VECTOR_HMAC))).as("t in seconds, %s", t)
                    .doesNotThrowAnyException();
            assertThatCode(() -> verifier.verify(post(gen2(), "hmac-signature",
                    "t=" + t.toEpochMilli() + ", s=" + GEN2_VECTOR_HMAC.toUpperCase()))).as("t in milliseconds, %s", t)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aMalformedOrMissingTimestampIsHarmless() {
        EllypaySignatureVerifier verifier = verifier(null, SIGNING_KEY);

        for (String t : new String[] {"t=yesterday,", "t=,", "t=99999999999999999999999999,", "t=-1,", "t=1,t=2,", "t,",
                ""}) {
            assertThatCode(() -> verifier.verify(post(gen2(), "hmac-signature", t + "s=" + GEN2_VECTOR_HMAC)))
                    .as(t).doesNotThrowAnyException();
            // nor does it make a wrong signature anything but a 401
            CallbackRejectedException wrong = rejection(verifier,
                    post(gen2(), "hmac-signature", t + "s=" + HmacSha256.hex("ANOTHER_KEY", GEN2_SIGNED)));
            assertThat(wrong.status()).as(t).isEqualTo(401);
            assertThat(wrong.getMessage()).as(t).isEqualTo("hmac-signature does not match");
        }
    }

    @Test
    void refusesAnHmacSignatureMadeWithAnotherKey() {
        CallbackRejectedException rejected = rejection(verifier(null, SIGNING_KEY),
                post(gen2(), "hmac-signature", hmacHeader(NOW, "ANOTHER_KEY", GEN2_SIGNED)));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).isEqualTo("hmac-signature does not match");
    }

    @Test
    void refusesAGen2CallbackWhoseStatusWasChanged() throws Exception {
        String completed = edit(gen2(), root -> ((ObjectNode) root.get("payload")).put("transaction_status", "COMPLETED"));
        EllypaySignatureVerifier verifier = verifier(ellypayPem(), SIGNING_KEY);

        assertThat(rejection(verifier, post(completed, "hmac-signature", hmacHeader(NOW, SIGNING_KEY, GEN2_SIGNED)))
                .status()).isEqualTo(401);
        assertThat(rejection(verifier, post(completed, "rsa-signature",
                sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN2_SIGNED))).status()).isEqualTo(401);
    }

    @Test
    void refusesAMalformedHmacSignature() {
        EllypaySignatureVerifier verifier = verifier(null, SIGNING_KEY);
        String hash = HmacSha256.hex(SIGNING_KEY, GEN2_SIGNED);

        for (String header : new String[] {hash, "t=" + NOW.getEpochSecond(), "t=" + NOW.getEpochSecond() + ",s=",
                "s=" + hash + ",s=" + hash, "t=1,s=" + HmacSha256.hex("ANOTHER_KEY", GEN2_SIGNED) + ",s=" + hash}) {
            CallbackRejectedException rejected = rejection(verifier, post(gen2(), "hmac-signature", header));

            assertThat(rejected.status()).as(header).isEqualTo(401);
            assertThat(rejected.getMessage()).as(header).startsWith("malformed hmac-signature");
        }
    }

    @Test
    void acceptsBothGen2SignaturesWhenBothVerify() throws Exception {
        EllypaySignatureVerifier verifier = verifier(ellypayPem(), SIGNING_KEY);

        assertThatCode(() -> verifier.verify(post(gen2(),
                "rsa-signature", sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN2_SIGNED),
                "hmac-signature", hmacHeader(NOW, SIGNING_KEY, GEN2_SIGNED)))).doesNotThrowAnyException();
    }

    @Test
    void oneVerifiedGen2SignatureIsEnoughWhateverTheOtherSays() throws Exception {
        EllypaySignatureVerifier verifier = verifier(ellypayPem(), SIGNING_KEY);
        String goodRsa = sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN2_SIGNED);
        String badRsa = sign(OTHER.getPrivate(), "SHA256withRSA", GEN2_SIGNED);
        String goodHmac = hmacHeader(NOW, SIGNING_KEY, GEN2_SIGNED);
        String badHmac = hmacHeader(NOW, "ANOTHER_KEY", GEN2_SIGNED);

        // the RSA signature verifies: the HMAC is not looked at (a stale t, another key, garbage)
        for (String hmac : new String[] {badHmac, hmacHeader(NOW.minus(Duration.ofDays(2)), SIGNING_KEY, GEN2_SIGNED),
                "garbage"}) {
            assertThatCode(() -> verifier.verify(post(gen2(), "rsa-signature", goodRsa, "hmac-signature", hmac)))
                    .as(hmac).doesNotThrowAnyException();
        }
        // the HMAC verifies: an RSA signature made with another key (a wrong public key configured) does not refuse it
        assertThatCode(() -> verifier.verify(post(gen2(), "rsa-signature", badRsa, "hmac-signature", goodHmac)))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesAGen2CallbackWhenNeitherOfItsSignaturesVerifies() throws Exception {
        EllypaySignatureVerifier verifier = verifier(ellypayPem(), SIGNING_KEY);

        CallbackRejectedException rejected = rejection(verifier, post(gen2(),
                "rsa-signature", sign(OTHER.getPrivate(), "SHA256withRSA", GEN2_SIGNED),
                "hmac-signature", hmacHeader(NOW, "ANOTHER_KEY", GEN2_SIGNED)));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).isEqualTo("rsa-signature does not match; hmac-signature does not match");
    }

    @Test
    void acceptsTheVerifiableSignatureWhenTheOtherHasNoConfiguredKey() {
        EllypaySignatureVerifier hmacOnly = verifier(null, SIGNING_KEY);

        assertThatCode(() -> hmacOnly.verify(post(gen2(), "rsa-signature", "c2hvcnQ=",
                "hmac-signature", hmacHeader(NOW, SIGNING_KEY, GEN2_SIGNED)))).doesNotThrowAnyException();
    }

    @Test
    void refusesAGen2CallbackWhoseOnlySignatureCannotBeChecked() throws Exception {
        String rsa = sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN2_SIGNED);

        CallbackRejectedException rejected = rejection(verifier(null, SIGNING_KEY), post(gen2(), "rsa-signature", rsa));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).contains("paysync.providers.ellypay.public-key");
    }

    @Test
    void refusesAGen2CallbackWithoutSignature() {
        CallbackRejectedException rejected = rejection(verifier(ellypayPem(), SIGNING_KEY), post(gen2()));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).isEqualTo("missing rsa-signature or hmac-signature");
    }

    @Test
    void refusesEveryGen2CallbackWhenNoKeyIsConfigured() {
        CallbackRejectedException rejected = rejection(verifier(null, " "),
                post(gen2(), "hmac-signature", hmacHeader(NOW, SIGNING_KEY, GEN2_SIGNED)));

        assertThat(rejected.status()).isEqualTo(401);
        assertThat(rejected.getMessage()).contains("paysync.providers.ellypay.public-key",
                "paysync.providers.ellypay.signing-key");
    }

    @Test
    void refusesAMalformedBodyAs400() {
        CallbackRejectedException rejected = rejection(verifier(ellypayPem(), SIGNING_KEY),
                post("{not json", "hmac-signature", hmacHeader(NOW, SIGNING_KEY, GEN2_SIGNED)));

        assertThat(rejected.status()).isEqualTo(400);
    }

    @Test
    void refusesABodyGivingASignedFieldTwice() throws Exception {
        String twice = gen1().replace("\"agent_reference\": \"CSTREFYRWWVRKLG6W1P3\",",
                "\"agent_reference\": \"CSTREFYRWWVRKLG6W1P3\", \"agent_reference\": \"CSTREFSOMEONEELSE0001\",");
        assertThat(twice).isNotEqualTo(gen1());

        CallbackRejectedException rejected = rejection(verifier(ellypayPem(), null),
                post(twice, "ellypay-signature", sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN1_SIGNED)));

        assertThat(rejected.status()).isEqualTo(400);
    }

    // the public key

    @Test
    void readsThePublicKeyFromAPemFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ellypay.pem"), ellypayPem());
        String signature = sign(ELLYPAY.getPrivate(), "SHA256withRSA", GEN1_SIGNED);

        for (String configured : new String[] {"file:" + file, file.toUri().toString()}) {
            assertThatCode(() -> verifier(configured, null).verify(post(gen1(), "ellypay-signature", signature)))
                    .as(configured).doesNotThrowAnyException();
        }
    }

    @Test
    void readsThePemItWritesAndItsOneLineForms() {
        String pem = ellypayPem();

        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        assertThat(EllypaySignatureVerifier.readPublicKey(pem)).isEqualTo(ELLYPAY.getPublic());
        assertThat(EllypaySignatureVerifier.readPublicKey(pem.replace("\n", "\\n"))).isEqualTo(ELLYPAY.getPublic());
        assertThat(EllypaySignatureVerifier.readPublicKey(
                Base64.getEncoder().encodeToString(ELLYPAY.getPublic().getEncoded()))).isEqualTo(ELLYPAY.getPublic());
    }

    @Test
    void failsAtStartOnAPublicKeyItCannotRead(@TempDir Path dir) {
        String[] bad = {
            "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\n%%%\n-----END PUBLIC KEY-----\n",
            "-----BEGIN RSA PUBLIC KEY-----\nbm90IGEga2V5\n-----END RSA PUBLIC KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n",
            "file:" + dir.resolve("missing.pem"),
        };
        for (String configured : bad) {
            assertThatIllegalStateException().as(configured)
                    .isThrownBy(() -> verifier(configured, SIGNING_KEY))
                    .withMessageContaining("paysync.providers.ellypay.public-key");
        }
    }

    @Test
    void failsAtStartOnAnUnknownGen1Algorithm() {
        assertThatIllegalStateException()
                .isThrownBy(() -> verifier(ellypayPem(), null, "SHA256withECDSA"))
                .withMessageContaining("paysync.providers.ellypay.gen1-signature-algorithm");
        assertThatIllegalStateException()
                .isThrownBy(() -> verifier(null, SIGNING_KEY, "NoSuchAlgorithm"))
                .withMessageContaining("paysync.providers.ellypay.gen1-signature-algorithm");
    }

    @Test
    void bindsItsKeysWithTheirDefaultsAndKeepsTheSigningKeyOutOfToString() {
        // hmac-tolerance is no longer read: a configuration that still sets it binds as before
        EllypayProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.ellypay.signing-key", "s3cr3t",
                "paysync.providers.ellypay.base-url", "https://gwapisdbx.ellypayapp.com")))
                .bindOrCreate("paysync.providers.ellypay", Bindable.of(EllypayProperties.class));
        EllypayProperties configured = new Binder(new MapConfigurationPropertySource(Map.of(
                "paysync.providers.ellypay.public-key", "file:/etc/paysync/ellypay.pem",
                "paysync.providers.ellypay.gen1-signature-algorithm", "SHA1withRSA",
                "paysync.providers.ellypay.hmac-tolerance", "2m")))
                .bindOrCreate("paysync.providers.ellypay", Bindable.of(EllypayProperties.class));

        assertThat(defaults.signingKey()).isEqualTo("s3cr3t");
        assertThat(defaults.gen1SignatureAlgorithm()).isEqualTo("SHA256withRSA");
        assertThat(defaults.toString()).doesNotContain("s3cr3t");
        assertThat(configured.publicKey()).isEqualTo("file:/etc/paysync/ellypay.pem");
        assertThat(configured.gen1SignatureAlgorithm()).isEqualTo("SHA1withRSA");
    }
}
