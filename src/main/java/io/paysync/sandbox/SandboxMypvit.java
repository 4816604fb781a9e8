package io.paysync.sandbox;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.provider.CallbackUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * MyPVit (PROVIDERS.md §1, §1.6, §6): renew-secret v2, the REST payment API, Check Status and KYC,
 * each under its own URL code and behind {@code X-Secret}. Sandbox rule of MyPVit's test account:
 * an amount up to 1000 XAF succeeds, above fails. The camelCase JSON callback goes to the callback URL
 * registered under {@code callback_url_code}; it is sent again until the acknowledgement echoes
 * {@code transactionId} and {@code code} (same JSON type), and each callback so closed counts towards
 * the go-live checklist (2 successes, 2 failures), logged as it fills.
 */
@Component("sandboxMypvit")
@SandboxOnly
class SandboxMypvit extends SimulatedProvider {

    private static final Logger log = LoggerFactory.getLogger(SandboxMypvit.class);

    static final BigDecimal SUCCESS_LIMIT = BigDecimal.valueOf(1000);
    static final Set<String> OPERATORS = Set.of("AIRTEL_MONEY", "MOOV_MONEY");
    /** A KYC question about a number ending in these digits finds no account. */
    static final String UNKNOWN_ACCOUNT_SUFFIX = "99";

    record Transaction(String id, String reference, BigDecimal amount, String payer, String operator,
            String ownerCharge, String freeInfo, boolean success, Instant createdAt, Instant settlesAt) {

        String status(Instant now) {
            return now.isBefore(settlesAt) ? "PENDING" : success ? "SUCCESS" : "FAILED";
        }

        BigDecimal fees() {
            return amount.multiply(BigDecimal.valueOf(2)).divide(BigDecimal.valueOf(100)).setScale(0,
                    java.math.RoundingMode.HALF_UP);
        }
    }

    private final CallbackUrls callbackUrls;
    private final Map<String, Transaction> byReference = new ConcurrentHashMap<>();
    private final Map<String, Transaction> byId = new ConcurrentHashMap<>();
    private final AtomicInteger closedSuccesses = new AtomicInteger();
    private final AtomicInteger closedFailures = new AtomicInteger();
    /** Each renewal makes the previous secret obsolete (§1.1). */
    private volatile String secret;

    SandboxMypvit(SandboxProperties settings, SandboxCallbacks callbacks, Clock clock, CallbackUrls callbackUrls) {
        super("mypvit", settings, callbacks, clock);
        this.callbackUrls = callbackUrls;
    }

    @Override
    SandboxReply handle(SandboxRequest request) {
        if (request.is("POST", "/v2/" + SandboxCredentials.MYPVIT_RENEW + "/renew-secret")) {
            return renewSecret(request);
        }
        if (request.is("POST", "/v2/" + SandboxCredentials.MYPVIT_REST + "/rest")) {
            authenticate(request);
            return initiate(request);
        }
        if (request.is("GET", "/" + SandboxCredentials.MYPVIT_STATUS + "/status")
                || request.is("GET", "/v2/" + SandboxCredentials.MYPVIT_STATUS + "/status")) {
            authenticate(request);
            return status(request);
        }
        if (request.is("GET", "/v2/" + SandboxCredentials.MYPVIT_KYC + "/kyc")) {
            authenticate(request);
            return kyc(request);
        }
        throw error(404, "API_NOT_FOUND", "no MyPVit API under " + request.method() + " " + request.path()
                + ": check the URL code");
    }

    /** The go-live checklist: callbacks closed by a correct dynamic acknowledgement, successes and failures. */
    int[] checklist() {
        return new int[] {closedSuccesses.get(), closedFailures.get()};
    }

    private SandboxReply renewSecret(SandboxRequest request) {
        if (!"application/x-www-form-urlencoded".equals(request.mediaType())) {
            throw error(415, "UNSUPPORTED_MEDIA_TYPE", "renew-secret takes application/x-www-form-urlencoded");
        }
        if (!SandboxCredentials.MYPVIT_ACCOUNT.equals(request.form().get("accountOperationCode"))
                || !SandboxCredentials.MYPVIT_PASSWORD.equals(request.form().get("password"))) {
            throw error(401, "AUTHENTICATION_FAILED", "unknown accountOperationCode or wrong password");
        }
        secret = "sk_sandbox_" + letters(24).toLowerCase(java.util.Locale.ROOT);
        return SandboxReply.json(200, SandboxReply.object().put("operation_account_code", SandboxCredentials.MYPVIT_ACCOUNT)
                .put("secret", secret).put("expires_in", 3600));
    }

    private void authenticate(SandboxRequest request) {
        String given = request.header("X-Secret");
        if (given == null || !given.equals(secret)) {
            throw error(401, "AUTHENTICATION_FAILED", given == null ? "X-Secret header missing"
                    : "expired or incorrect X-Secret: renew it");
        }
    }

    private SandboxReply initiate(SandboxRequest request) {
        if (!"application/json".equals(request.mediaType())) {
            throw failed("Content-Type must be application/json");
        }
        JsonNode body = request.json();
        if (body == null) {
            throw failed("the body must be a JSON object");
        }
        JsonNode amountNode = body.get("amount");
        if (amountNode == null || !amountNode.isNumber() || amountNode.decimalValue().signum() <= 0
                || amountNode.decimalValue().stripTrailingZeros().scale() > 0) {
            throw failed("amount must be a positive whole number of XAF");
        }
        String reference = required(body, "reference");
        if (reference.length() > 15) {
            throw failed("reference is longer than 15 characters");
        }
        expect(body, "service", "RESTFUL");
        expect(body, "callback_url_code", SandboxCredentials.MYPVIT_CALLBACK);
        expect(body, "merchant_operation_account_code", SandboxCredentials.MYPVIT_ACCOUNT);
        expect(body, "transaction_type", "PAYMENT");
        String operator = required(body, "operator_code");
        if (!OPERATORS.contains(operator)) {
            throw failed("operator_code must be AIRTEL_MONEY or MOOV_MONEY");
        }
        String payer = required(body, "customer_account_number");
        String freeInfo = SandboxRequest.text(body, "free_info");
        String stripped = reference.replace("-", "");
        if (byReference.containsKey(stripped)) {
            throw failed("reference " + stripped + " was already used");
        }
        BigDecimal amount = amountNode.decimalValue();
        Transaction transaction = new Transaction("PAY" + digits(12), stripped, amount, payer, operator,
                SandboxRequest.text(body, "owner_charge"), freeInfo, amount.compareTo(SUCCESS_LIMIT) <= 0, now(),
                settlesAt(1));
        byReference.put(stripped, transaction);
        byId.put(transaction.id(), transaction);
        if (says(LOSE_CALLBACK, reference, freeInfo)) {
            log.info("sandbox mypvit: {} ({} XAF) will be {}, its callback is LOST (only Check Status tells)",
                    transaction.id(), amount, transaction.success() ? "SUCCESS" : "FAILED");
        } else {
            callbacks.send(delay(1), callback(transaction));
        }
        return SandboxReply.json(200, SandboxReply.object().put("status", "PENDING").put("status_code", "200")
                .put("operator", operator).put("reference_id", transaction.id())
                .put("merchant_reference_id", stripped)
                .put("merchant_operation_account_code", SandboxCredentials.MYPVIT_ACCOUNT)
                .put("message", "Your payment request " + stripped
                        + " has been successfully initiated and is being processed."));
    }

    private SandboxCallbacks.Delivery callback(Transaction transaction) {
        String status = transaction.success() ? "SUCCESS" : "FAILED";
        int code = transaction.success() ? 200 : 400;
        BigDecimal fees = transaction.fees();
        ObjectNode body = SandboxReply.object().put("transactionId", transaction.id())
                .put("merchantReferenceId", transaction.reference()).put("status", status)
                .put("amount", transaction.amount()).put("customerID", transaction.payer()).put("fees", fees)
                .put("totalAmount", transaction.amount().add(fees))
                .put("chargeOwner", transaction.ownerCharge() == null ? "MERCHANT" : transaction.ownerCharge())
                .put("freeInfo", transaction.freeInfo()).put("transactionOperation", "PAYMENT")
                .put("operator", transaction.operator()).put("code", code);
        return new SandboxCallbacks.Delivery(provider, status + " " + transaction.id(), "POST",
                callbackUrls.of(provider), "application/json", Map.of(), body.toString(),
                response -> closes(response, transaction, code));
    }

    /** The acknowledgement MyPVit requires (§1.3): 200, echoing transactionId and code dynamically. */
    private boolean closes(HttpResponse<String> response, Transaction transaction, int code) {
        if (!echoes(response.statusCode(), response.body(), transaction.id(), code)) {
            log.warn("sandbox mypvit: the acknowledgement of {} does not echo transactionId and code {}: HTTP {} {}",
                    transaction.id(), code, response.statusCode(), response.body());
            return false;
        }
        int successes = transaction.success() ? closedSuccesses.incrementAndGet() : closedSuccesses.get();
        int failures = transaction.success() ? closedFailures.get() : closedFailures.incrementAndGet();
        log.info("sandbox mypvit: {} {} closed by the dynamic acknowledgement; go-live checklist: {}/2 successes,"
                + " {}/2 failures{}", transaction.success() ? "SUCCESS" : "FAILED", transaction.id(),
                Math.min(successes, 2), Math.min(failures, 2),
                successes >= 2 && failures >= 2 ? " - COMPLETE (KYC and Check Status are implemented too)" : "");
        return true;
    }

    /** True for an acknowledgement that echoes {@code transactionId} and the code with its JSON type (a number). */
    static boolean echoes(int status, String body, String transactionId, int code) {
        if (status != 200 || body == null) {
            return false;
        }
        try {
            JsonNode ack = SandboxRequest.JSON.readTree(body);
            JsonNode echoed = ack.has("responseCode") ? ack.get("responseCode") : ack.get("code");
            return ack.path("transactionId").isTextual() && transactionId.equals(ack.get("transactionId").asText())
                    && echoed != null && echoed.isIntegralNumber() && echoed.asInt() == code;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return false;
        }
    }

    private SandboxReply status(SandboxRequest request) {
        String id = request.query().get("transactionId");
        if (id == null || id.isBlank()) {
            throw error(400, "BAD_REQUEST", "transactionId is required");
        }
        if (!SandboxCredentials.MYPVIT_ACCOUNT.equals(request.query().get("accountOperationCode"))) {
            throw error(400, "BAD_REQUEST", "accountOperationCode must be the operation account of the secret");
        }
        Transaction transaction = byReference.getOrDefault(id.replace("-", ""), byId.get(id));
        if (transaction == null) {
            throw error(404, "TRANSACTION_NOT_FOUND", "no transaction " + id);
        }
        return SandboxReply.json(200, SandboxReply.object().put("date", transaction.createdAt().toString())
                .put("status", transaction.status(now())).put("amount", transaction.amount())
                .put("fees", transaction.fees()).put("operator", transaction.operator())
                .put("reference_id", transaction.id())
                .put("merchant_reference_id", transaction.reference())
                .put("customer_account_number", transaction.payer())
                .put("merchant_operation_account_code", SandboxCredentials.MYPVIT_ACCOUNT));
    }

    private SandboxReply kyc(SandboxRequest request) {
        String msisdn = request.query().get("customerAccountNumber");
        String operator = request.query().get("operatorCode");
        if (msisdn == null || operator == null || !OPERATORS.contains(operator)) {
            throw error(400, "BAD_REQUEST", "customerAccountNumber and operatorCode (AIRTEL_MONEY, MOOV_MONEY) are required");
        }
        if (msisdn.endsWith(UNKNOWN_ACCOUNT_SUFFIX)) {
            throw error(404, "CUSTOMER_NOT_FOUND", "no " + operator + " account " + msisdn);
        }
        return SandboxReply.json(200, SandboxReply.object().put("full_name", "SANDBOX CUSTOMER " + msisdn)
                .put("customer_account_number", msisdn).put("is_active", true).put("operator", operator)
                .put("account_code", SandboxCredentials.MYPVIT_ACCOUNT));
    }

    private static String required(JsonNode body, String field) {
        String value = SandboxRequest.text(body, field);
        if (value == null) {
            throw failed(field + " is required");
        }
        return value;
    }

    private static void expect(JsonNode body, String field, String expected) {
        if (!expected.equals(SandboxRequest.text(body, field))) {
            throw failed(field + " must be " + expected);
        }
    }

    /** An initiation refused as MyPVit does: HTTP 400, {@code status FAILED}. */
    private static SandboxReply.Refusal failed(String message) {
        return SandboxReply.json(400, SandboxReply.object().put("status", "FAILED").put("status_code", "400")
                .put("message", message)).refusal();
    }

    /** MyPVit's error body ({@code error}, {@code message}, {@code status_code}). */
    private static SandboxReply.Refusal error(int status, String error, String message) {
        return SandboxReply.json(status, SandboxReply.object().put("date", java.time.Instant.now().toString())
                .put("status_code", status).put("error", error).put("message", message)).refusal();
    }
}
