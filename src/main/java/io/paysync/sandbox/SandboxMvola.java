package io.paysync.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * MVola Merchant Pay v1.0 (mvola-merchantpay-v1.txt, PROVIDERS.md §5, §6): the OAuth2 token
 * (Basic auth, form), initiation with every documented header and body rule (description charset and
 * length, {@code fc}/{@code amountFc}: "Missing field" 4001), the status and details APIs, and the
 * callback PUT to {@code X-Callback-URL}, repeated until a 2xx. Test numbers: the customer
 * {@code 0343500003} pays (completed); {@code 0343500004} is the merchant's number, so debiting it
 * fails; any other debit number is refused.
 */
@Component("sandboxMvola")
@SandboxOnly
class SandboxMvola extends SimulatedProvider {

    private static final Logger log = LoggerFactory.getLogger(SandboxMvola.class);

    static final String API = "/mvola/mm/transactions/type/merchantpay/1.0.0";
    static final Pattern TEXT = Pattern.compile("[A-Za-z0-9 ._,-]{1,50}");
    static final Pattern REQUEST_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{4}|[+-]\\d{2}:\\d{2})");
    static final List<String> HEADERS = List.of("Version", "X-CorrelationID", "UserLanguage", "UserAccountIdentifier",
            "partnerName");

    record Transaction(String correlationId, String reference, String amount, String description, String debit,
            String credit, String callbackUrl, boolean completes, String transactionReference, Instant createdAt,
            Instant settlesAt) {

        String status(Instant now) {
            return now.isBefore(settlesAt) ? "pending" : completes ? "completed" : "failed";
        }
    }

    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, Transaction> byCorrelationId = new ConcurrentHashMap<>();
    private final Map<String, Transaction> byTransactionReference = new ConcurrentHashMap<>();

    SandboxMvola(SandboxProperties settings, SandboxCallbacks callbacks, Clock clock) {
        super("mvola", settings, callbacks, clock);
    }

    @Override
    SandboxReply handle(SandboxRequest request) {
        if (request.is("POST", "/token")) {
            return token(request);
        }
        authenticate(request);
        if (request.is("POST", API + "/") || request.is("POST", API)) {
            return initiate(request);
        }
        if (request.method().equals("GET") && request.path().startsWith(API + "/status/")) {
            return status(request.path().substring((API + "/status/").length()));
        }
        if (request.method().equals("GET") && request.path().startsWith(API + "/")) {
            return details(request.path().substring((API + "/").length()));
        }
        throw error(404, "notFound", "no MVola resource " + request.method() + " " + request.path(), null);
    }

    private SandboxReply token(SandboxRequest request) {
        String expected = "Basic " + Base64.getEncoder().encodeToString((SandboxCredentials.MVOLA_KEY + ":"
                + SandboxCredentials.MVOLA_SECRET).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(request.header("Authorization"))) {
            throw invalidCredentials();
        }
        if (!"application/x-www-form-urlencoded".equals(request.mediaType())
                || !"client_credentials".equals(request.form().get("grant_type"))
                || !"EXT_INT_MVOLA_SCOPE".equals(request.form().get("scope"))) {
            return SandboxReply.json(400, SandboxReply.object().put("error", "invalid_request").put("error_description",
                    "form grant_type=client_credentials&scope=EXT_INT_MVOLA_SCOPE expected"));
        }
        String token = "sbx_" + UUID.randomUUID();
        tokens.add(token);
        return SandboxReply.json(200, SandboxReply.object().put("access_token", token)
                .put("scope", "EXT_INT_MVOLA_SCOPE").put("token_type", "Bearer").put("expires_in", 3600));
    }

    /** A valid bearer token and every common header (§5.1). */
    private void authenticate(SandboxRequest request) {
        String authorization = request.header("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")
                || !tokens.contains(authorization.substring("Bearer ".length()))) {
            throw invalidCredentials();
        }
        for (String header : HEADERS) {
            if (request.header(header) == null || request.header(header).isBlank()) {
                throw error(400, "formatError", "Missing header " + header, "4001");
            }
        }
        if (!"1.0".equals(request.header("Version"))) {
            throw error(400, "formatError", "Version must be 1.0", "4001");
        }
        if (!Set.of("FR", "MG").contains(request.header("UserLanguage").toUpperCase(java.util.Locale.ROOT))) {
            throw error(400, "formatError", "UserLanguage must be FR or MG", "4001");
        }
        if (!("msisdn;" + SandboxCredentials.MVOLA_MERCHANT).equals(request.header("UserAccountIdentifier"))) {
            throw error(403, "forbidden", "UserAccountIdentifier must be msisdn;<your partner MSISDN>", null);
        }
    }

    private SandboxReply initiate(SandboxRequest request) {
        if (!"application/json".equals(request.mediaType())) {
            throw error(415, "formatError", "Content-Type must be application/json", "4001");
        }
        JsonNode body = request.json();
        if (body == null) {
            throw error(400, "formatError", "the body must be a JSON object", "4001");
        }
        JsonNode amount = body.get("amount");
        if (amount == null || !amount.isTextual() || !amount.asText().matches("[1-9][0-9]*")) {
            throw missing("amount must be a string without decimals");
        }
        if (!"Ar".equals(SandboxRequest.text(body, "currency"))) {
            throw missing("currency must be Ar");
        }
        String description = text(body, "descriptionText");
        String reference = text(body, "requestingOrganisationTransactionReference");
        String requestDate = SandboxRequest.text(body, "requestDate");
        if (requestDate == null || !REQUEST_DATE.matcher(requestDate).matches()) {
            throw missing("requestDate must be yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        }
        String debit = msisdn(body, "debitParty");
        String credit = msisdn(body, "creditParty");
        Map<String, String> metadata = metadata(body);
        for (String key : List.of("partnerName", "fc", "amountFc")) {
            if (metadata.get(key) == null) {
                throw missing("Missing field metadata/" + key);
            }
        }
        if (!SandboxCredentials.MVOLA_MERCHANT.equals(credit)) {
            throw error(400, "formatError", "creditParty msisdn must be your merchant number "
                    + SandboxCredentials.MVOLA_MERCHANT, "4001");
        }
        if (!Set.of(SandboxCredentials.MVOLA_CUSTOMER, SandboxCredentials.MVOLA_MERCHANT).contains(debit)) {
            throw error(400, "businessRule", "debitParty " + debit + " is not a sandbox test number: use "
                    + SandboxCredentials.MVOLA_CUSTOMER, "5001");
        }
        String callbackUrl = request.header("X-Callback-URL");
        Transaction transaction = new Transaction(UUID.randomUUID().toString(), reference, amount.asText(), description,
                debit, credit, callbackUrl, SandboxCredentials.MVOLA_CUSTOMER.equals(debit), digits(9), now(),
                settlesAt(1));
        byCorrelationId.put(transaction.correlationId(), transaction);
        byTransactionReference.put(transaction.transactionReference(), transaction);
        if (callbackUrl == null || callbackUrl.isBlank()) {
            log.info("sandbox mvola: {} has no X-Callback-URL: poll the status", transaction.correlationId());
        } else if (says(LOSE_CALLBACK, reference, description)) {
            log.info("sandbox mvola: {} will be {}, its callback is LOST (only the status API tells)",
                    transaction.correlationId(), transaction.completes() ? "completed" : "failed");
        } else {
            callbacks.send(delay(1), callback(transaction));
        }
        return SandboxReply.json(202, SandboxReply.object().put("status", "pending")
                .put("serverCorrelationId", transaction.correlationId())
                .put("notificationMethod", callbackUrl == null ? "polling" : "callback"));
    }

    /** The callback (§5.3): PUT, {@code fees} only on success. */
    private SandboxCallbacks.Delivery callback(Transaction transaction) {
        String status = transaction.completes() ? "completed" : "failed";
        ObjectNode body = SandboxReply.object().put("transactionStatus", status)
                .put("serverCorrelationId", transaction.correlationId())
                .put("transactionReference", transaction.transactionReference())
                .put("requestDate", transaction.createdAt().toString());
        parties(body, transaction);
        if (transaction.completes()) {
            body.putArray("fees").addObject().put("feeAmount", "0");
        }
        body.putArray("metadata").addObject().put("key", "partnerName").put("value", SandboxCredentials.MVOLA_PARTNER);
        return new SandboxCallbacks.Delivery(provider, status + " " + transaction.correlationId(), "PUT",
                transaction.callbackUrl(), "application/json", Map.of(), body.toString(), SandboxCallbacks.ANY_2XX);
    }

    private SandboxReply status(String correlationId) {
        Transaction transaction = byCorrelationId.get(correlationId);
        if (transaction == null) {
            throw error(404, "notFound", "no transaction with serverCorrelationId " + correlationId, null);
        }
        String status = transaction.status(now());
        return SandboxReply.json(200, SandboxReply.object().put("status", status)
                .put("serverCorrelationId", correlationId)
                .put("notificationMethod", transaction.callbackUrl() == null ? "polling" : "callback")
                .put("objectReference", "pending".equals(status) ? "" : transaction.transactionReference()));
    }

    private SandboxReply details(String transactionReference) {
        Transaction transaction = byTransactionReference.get(transactionReference);
        if (transaction == null || "pending".equals(transaction.status(now()))) {
            throw error(404, "notFound", "no transaction " + transactionReference, null);
        }
        ObjectNode body = SandboxReply.object().put("amount", transaction.amount() + ".00").put("currency", "Ar")
                .put("transactionReference", transactionReference)
                .put("transactionStatus", transaction.status(now()))
                .put("createDate", transaction.createdAt().toString());
        parties(body, transaction);
        ArrayNode metadata = body.putArray("metadata");
        metadata.addObject().put("key", "originalTransactionResult").put("value", transaction.completes() ? "0" : "1");
        metadata.addObject().put("key", "originalTransactionResultDesc").put("value",
                transaction.completes() ? "Success" : "Debit of the merchant's own number refused");
        body.putObject("fee").put("feeAmount", "0");
        return SandboxReply.json(200, body);
    }

    private static void parties(ObjectNode body, Transaction transaction) {
        body.putArray("debitParty").addObject().put("key", "msisdn").put("value", transaction.debit());
        body.putArray("creditParty").addObject().put("key", "msisdn").put("value", transaction.credit());
    }

    /** A text of the documented charset, at most 50 characters. */
    private static String text(JsonNode body, String field) {
        String value = SandboxRequest.text(body, field);
        if (value == null || !TEXT.matcher(value).matches()) {
            throw missing(field + " must be 1 to 50 letters, digits, spaces or - . _ ,");
        }
        return value;
    }

    private static String msisdn(JsonNode body, String field) {
        JsonNode parties = body.get(field);
        if (parties != null && parties.isArray()) {
            for (JsonNode party : parties) {
                if ("msisdn".equals(party.path("key").asText()) && party.path("value").isTextual()) {
                    return party.get("value").asText();
                }
            }
        }
        throw missing("Missing field " + field + "/msisdn");
    }

    private static Map<String, String> metadata(JsonNode body) {
        Map<String, String> metadata = new java.util.HashMap<>();
        body.path("metadata").forEach(entry -> {
            if (entry.path("key").isTextual() && entry.path("value").isTextual()) {
                metadata.put(entry.get("key").asText(), entry.get("value").asText());
            }
        });
        return metadata;
    }

    private static SandboxReply.Refusal missing(String description) {
        return error(400, "formatError", description, "4001");
    }

    private static SandboxReply.Refusal invalidCredentials() {
        ObjectNode body = SandboxReply.object();
        body.putObject("fault").put("code", 900901).put("message", "Invalid Credentials")
                .put("description", "Invalid Credentials. Make sure you have given the correct access token");
        return SandboxReply.json(401, body).refusal();
    }

    /** MVola's error body (§5.2). */
    private static SandboxReply.Refusal error(int status, String code, String description, String mmErrorCode) {
        ObjectNode body = SandboxReply.object().put("errorCategory", status == 404 ? "identification" : "validation")
                .put("errorCode", code).put("errorDescription", description)
                .put("errorDateTime", Instant.now().toString());
        if (mmErrorCode != null) {
            body.putArray("errorParameters").addObject().put("key", "mmErrorCode").put("value", mmErrorCode);
        }
        return SandboxReply.json(status, body).refusal();
    }
}
