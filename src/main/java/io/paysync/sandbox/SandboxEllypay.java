package io.paysync.sandbox;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.provider.CallbackUrls;
import io.paysync.provider.HmacSha256;
import io.paysync.provider.ellypay.EllypaySignatureVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * EllyPay (PROVIDERS.md §3, §6): gen-1 account validation and payment confirmation (request signature
 * {@code t=<ms>,s=HMAC(SecretKey, "<ms>:<ApiKey>")}, {@code pin} = upper-case hex SHA-1 of the PIN),
 * answered 202; then gen-1 callbacks signed {@code ellypay-signature} (SHA256withRSA over
 * {@code id:internal_reference:agent_reference}, the key pair generated at start, its public key at
 * {@code /merchant/download-public-key} and configured into paysync): first PENDING, then the final
 * one (FAILED when the reference says {@code DECLINE}), each sent again until answered 200. Gen-2
 * status verification refuses checks in the first {@code paysync.sandbox.ellypay-status-delay} (2 min).
 */
@Component("sandboxEllypay")
@SandboxOnly
class SandboxEllypay extends SimulatedProvider {

    private static final Logger log = LoggerFactory.getLogger(SandboxEllypay.class);

    record Validation(String reference, String account, String product, BigDecimal amount) {
    }

    record Transaction(int id, String internalReference, Validation validation, boolean success,
            Instant createdAt, Instant processingAt, Instant settlesAt) {

        String gen2Status(Instant now) {
            return now.isBefore(processingAt) ? "PENDING" : now.isBefore(settlesAt) ? "PROCESSING"
                    : success ? "COMPLETED" : "FAILED";
        }

        BigDecimal commission() {
            return validation.amount().multiply(BigDecimal.valueOf(3)).divide(BigDecimal.valueOf(100));
        }
    }

    private final CallbackUrls callbackUrls;
    private final Map<String, Validation> validations = new ConcurrentHashMap<>();
    private final Map<String, Transaction> byReference = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(24546);

    SandboxEllypay(SandboxProperties settings, SandboxCallbacks callbacks, Clock clock, CallbackUrls callbackUrls) {
        super("ellypay", settings, callbacks, clock);
        this.callbackUrls = callbackUrls;
    }

    @Override
    SandboxReply handle(SandboxRequest request) {
        if (request.is("GET", "/merchant/download-public-key")) {
            return new SandboxReply(200, "application/x-pem-file",
                    EllypaySignatureVerifier.pem(SandboxCredentials.ellypayKeys().getPublic()));
        }
        if (request.is("POST", "/merchant/validate-account")) {
            return validate(body(request));
        }
        if (request.is("POST", "/merchant/process-payment")) {
            return process(body(request));
        }
        if (request.method().equals("GET") && request.path().startsWith("/data/transaction/verify/")) {
            return verify(request, request.path().substring("/data/transaction/verify/".length()));
        }
        throw error(404, "no EllyPay API under " + request.method() + " " + request.path());
    }

    /** The JSON body of a signed gen-1 request (§3.1: ApiKey, SecretKey and Signature t=…,s=…). */
    private JsonNode body(SandboxRequest request) {
        String apiKey = request.header("ApiKey");
        String secretKey = request.header("SecretKey");
        String signature = request.header("Signature");
        if (!SandboxCredentials.ELLYPAY_API_KEY.equals(apiKey) || !SandboxCredentials.ELLYPAY_SECRET.equals(secretKey)) {
            throw error(401, "invalid ApiKey or SecretKey");
        }
        if (signature == null || !signature.matches("t=\\d+,s=[0-9a-f]{64}")) {
            throw error(401, "the Signature header must be t=<milliseconds>,s=<hex HMAC-SHA256>");
        }
        String timestamp = signature.substring(2, signature.indexOf(','));
        String expected = HmacSha256.hex(secretKey, timestamp + ":" + apiKey);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                signature.substring(signature.indexOf(",s=") + 3).getBytes(StandardCharsets.UTF_8))) {
            throw error(401, "the Signature does not match HMAC-SHA256(SecretKey, \"<t>:<ApiKey>\")");
        }
        if (!"application/json".equals(request.mediaType())) {
            throw error(415, "Content-Type must be application/json");
        }
        JsonNode body = request.json();
        if (body == null) {
            throw error(400, "the body must be a JSON object");
        }
        return body;
    }

    private SandboxReply validate(JsonNode body) {
        String reference = SandboxRequest.text(body, "agent_reference");
        if (reference == null || reference.length() < 4 || reference.length() > 30) {
            throw error(400, "agent_reference must be 4 to 30 characters");
        }
        String account = SandboxRequest.text(body, "account_number");
        String product = SandboxRequest.text(body, "product_code");
        JsonNode amount = body.get("amount");
        if (account == null || product == null || amount == null || !amount.isNumber() || amount.decimalValue().signum() <= 0) {
            throw error(400, "account_number, product_code and a positive amount are required");
        }
        if (byReference.containsKey(reference)) {
            throw error(409, "agent_reference " + reference + " was already used");
        }
        String validationReference = "VAL" + letters(17);
        validations.put(validationReference, new Validation(reference, account, product, amount.decimalValue()));
        ObjectNode data = SandboxReply.object().put("validation_reference", validationReference)
                .put("agent_reference", reference).put("account_number", account).put("product_code", product)
                .put("amount", amount.decimalValue()).put("customer_name", "SANDBOX CUSTOMER");
        return reply(200, "Account validated successfully", data);
    }

    private SandboxReply process(JsonNode body) {
        Validation validation = validations.remove(String.valueOf(SandboxRequest.text(body, "validation_reference")));
        if (validation == null) {
            throw error(400, "unknown or already used validation_reference");
        }
        String expectedPin = HexFormat.of().withUpperCase().formatHex(sha1(SandboxCredentials.ELLYPAY_PIN));
        if (!expectedPin.equals(SandboxRequest.text(body, "pin"))) {
            throw error(401, "invalid pin: send strtoupper(sha1(PIN))");
        }
        Transaction transaction = new Transaction(ids.incrementAndGet(), "ELPREF" + letters(15), validation,
                !says(DECLINE, validation.reference()), now(), settlesAt(1), settlesAt(2));
        byReference.put(validation.reference(), transaction);
        if (says(LOSE_CALLBACK, validation.reference())) {
            log.info("sandbox ellypay: {} will be {}, its callbacks are LOST (status checks allowed after {})",
                    validation.reference(), transaction.success() ? "SUCCESSFUL" : "FAILED",
                    settings.ellypayStatusDelay());
        } else {
            callbacks.send(delay(1), callback(transaction, "PENDING"));
            callbacks.send(delay(2), callback(transaction, transaction.success() ? "SUCCESSFUL" : "FAILED"));
        }
        return reply(202, "Payment request accepted for processing", gen1(transaction, "PENDING"));
    }

    /** A gen-1 transaction (§3.3), as answered and as called back. */
    private static ObjectNode gen1(Transaction transaction, String status) {
        Validation validation = transaction.validation();
        ObjectNode body = SandboxReply.object().put("id", transaction.id()).put("amount", validation.amount())
                .put("product_code", validation.product()).put("product_name", "Sandbox " + validation.product())
                .put("agent_reference", validation.reference())
                .put("internal_reference", transaction.internalReference())
                .put("agent_commission", transaction.commission()).put("status", status)
                .put("message", "Transaction " + status.toLowerCase(java.util.Locale.ROOT))
                .put("description", "Sandbox payment");
        body.putObject("details").put("token", "").put("units", "").put("customer_name", "SANDBOX CUSTOMER")
                .put("account_number", validation.account());
        return body;
    }

    private SandboxCallbacks.Delivery callback(Transaction transaction, String status) {
        String signed = EllypaySignatureVerifier.gen1SignedString(String.valueOf(transaction.id()),
                transaction.internalReference(), transaction.validation().reference());
        return new SandboxCallbacks.Delivery(provider, status + " " + transaction.validation().reference(), "POST",
                callbackUrls.of(provider), "application/json", Map.of("ellypay-signature", sign(signed)),
                gen1(transaction, status).toString(), SandboxCallbacks.OK_200);
    }

    private SandboxReply verify(SandboxRequest request, String reference) {
        if (!SandboxCredentials.ELLYPAY_API_KEY.equals(request.header("public-key"))) {
            throw error(401, "the public-key header must be your API key");
        }
        if (!"1".equals(request.header("x-api-version"))) {
            throw error(400, "the x-api-version header must be 1");
        }
        Transaction transaction = byReference.get(java.net.URLDecoder.decode(reference, StandardCharsets.UTF_8));
        if (transaction == null) {
            throw error(404, "Transaction not found");
        }
        Instant allowed = transaction.createdAt().plus(settings.ellypayStatusDelay());
        if (now().isBefore(allowed)) {
            throw error(400, "Status checks are denied in the first " + settings.ellypayStatusDelay().toSeconds()
                    + " seconds after initiation; retry after " + allowed);
        }
        Validation validation = transaction.validation();
        String status = transaction.gen2Status(now());
        ObjectNode data = SandboxReply.object().put("id", transaction.id())
                .put("merchant_reference", validation.reference())
                .put("internal_reference", transaction.internalReference()).put("transaction_type", "COLLECTION")
                .put("request_currency", "UGX").put("request_amount", validation.amount())
                .put("transaction_amount", validation.amount()).put("transaction_currency", "UGX")
                .put("transaction_charge", transaction.commission()).put("charge_customer", false)
                .put("total_credit", validation.amount().subtract(transaction.commission()))
                .put("transaction_account", validation.account()).put("provider_code", "mtn_momo_ug")
                .put("institution_name", "MTN Mobile Money").put("customer_name", "SANDBOX CUSTOMER")
                .put("transaction_status", status).put("status_message", "Transaction " + status.toLowerCase(java.util.Locale.ROOT));
        return reply(200, "Request completed successfully.", data);
    }

    private static SandboxReply reply(int code, String message, ObjectNode data) {
        ObjectNode body = SandboxReply.object().put("code", code).put("status", "success").put("message", message);
        body.set("data", data);
        return SandboxReply.json(code, body);
    }

    private static SandboxReply.Refusal error(int status, String message) {
        return SandboxReply.json(status, SandboxReply.object().put("code", status).put("status", "error")
                .put("message", message)).refusal();
    }

    private static String sign(String data) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(SandboxCredentials.ellypayKeys().getPrivate());
            signature.update(data.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the EllyPay callback", e);
        }
    }

    private static byte[] sha1(String text) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

}
