package io.paysync.sandbox;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.provider.cinetpay.CinetpaySignatureVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * CinetPay hosted checkout (PROVIDERS.md §2, §6): {@code POST /v2/payment} answers code 201 with a
 * payment URL; then, as CinetPay does, a GET ping of {@code notify_url}, a form-urlencoded POST
 * notification signed with {@code x-token} while the customer is {@code WAITING_FOR_CUSTOMER}, and the
 * final notification once the customer has answered. {@code POST /v2/payment/check} tells the truth:
 * 00/ACCEPTED, 627/REFUSED (the customer declines when the reference or description says
 * {@code DECLINE}), 662 while waiting.
 */
@Component("sandboxCinetpay")
@SandboxOnly
class SandboxCinetpay extends SimulatedProvider {

    private static final Logger log = LoggerFactory.getLogger(SandboxCinetpay.class);

    static final Set<String> CURRENCIES = Set.of("XOF", "XAF", "CDF", "GNF", "USD");
    static final Set<String> CHANNELS = Set.of("ALL", "MOBILE_MONEY", "CREDIT_CARD", "WALLET");
    static final Pattern FORBIDDEN_IN_DESCRIPTION = Pattern.compile("[#/$_&]");
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    record Transaction(String id, String token, BigDecimal amount, String currency, String description,
            String phone, boolean accepted, Instant createdAt, Instant settlesAt, String operatorId) {

        boolean settled(Instant now) {
            return !now.isBefore(settlesAt);
        }
    }

    private final Map<String, Transaction> byId = new ConcurrentHashMap<>();
    private final Map<String, Transaction> byToken = new ConcurrentHashMap<>();

    SandboxCinetpay(SandboxProperties settings, SandboxCallbacks callbacks, Clock clock) {
        super("cinetpay", settings, callbacks, clock);
    }

    @Override
    SandboxReply handle(SandboxRequest request) {
        if (request.is("POST", "/v2/payment")) {
            return initiate(request);
        }
        if (request.is("POST", "/v2/payment/check")) {
            return check(request);
        }
        if (request.method().equals("GET") && request.path().startsWith("/checkout/")) {
            Transaction transaction = byToken.get(request.path().substring("/checkout/".length()));
            return transaction == null ? SandboxReply.text(404, "unknown payment")
                    : SandboxReply.text(200, "CinetPay sandbox checkout of " + transaction.id() + ": "
                            + transaction.amount() + " " + transaction.currency()
                            + ". The simulated customer answers by itself; nothing to do here.");
        }
        throw answer(404, "404", "NOT_FOUND", "no CinetPay API under " + request.method() + " " + request.path());
    }

    private JsonNode authenticated(SandboxRequest request) {
        if (!"application/json".equals(request.mediaType())) {
            throw answer(415, "608", "MINIMUM_REQUIRED_FIELDS", "Content-Type must be application/json");
        }
        JsonNode body = request.json();
        if (body == null) {
            throw answer(400, "608", "MINIMUM_REQUIRED_FIELDS", "the body must be a JSON object");
        }
        if (!SandboxCredentials.CINETPAY_APIKEY.equals(SandboxRequest.text(body, "apikey"))
                || !SandboxCredentials.CINETPAY_SITE_ID.equals(SandboxRequest.text(body, "site_id"))) {
            throw answer(401, "609", "AUTH_NOT_FOUND", "unknown apikey or site_id");
        }
        return body;
    }

    private SandboxReply initiate(SandboxRequest request) {
        JsonNode body = authenticated(request);
        String id = required(body, "transaction_id");
        JsonNode amountNode = body.get("amount");
        if (amountNode == null || !amountNode.isNumber() || amountNode.decimalValue().signum() <= 0
                || amountNode.decimalValue().stripTrailingZeros().scale() > 0
                || amountNode.decimalValue().remainder(BigDecimal.valueOf(5)).signum() != 0) {
            throw minimum("amount must be a whole number, multiple of 5");
        }
        String currency = required(body, "currency");
        if (!CURRENCIES.contains(currency)) {
            throw minimum("currency must be one of " + CURRENCIES);
        }
        String description = required(body, "description");
        if (FORBIDDEN_IN_DESCRIPTION.matcher(description).find()) {
            throw minimum("description must not contain # / $ _ &");
        }
        String notifyUrl = url(body, "notify_url");
        url(body, "return_url");
        if (!CHANNELS.contains(required(body, "channels"))) {
            throw minimum("channels must be one of " + CHANNELS);
        }
        if (byId.containsKey(id)) {
            throw answer(400, "624", "TRANSACTION_ALREADY_EXIST", "transaction_id " + id + " was already used");
        }
        String token = letters(32).toLowerCase(java.util.Locale.ROOT);
        Transaction transaction = new Transaction(id, token, amountNode.decimalValue(), currency, description,
                SandboxRequest.text(body, "customer_phone_number"), !says(DECLINE, id, description), now(),
                settlesAt(2), "MP" + digits(10));
        byId.put(id, transaction);
        byToken.put(token, transaction);
        if (says(LOSE_CALLBACK, id, description)) {
            log.info("sandbox cinetpay: {} will be {}, its notifications are LOST (only /v2/payment/check tells)", id,
                    transaction.accepted() ? "ACCEPTED" : "REFUSED");
        } else {
            callbacks.send(delay(1), List.of(ping(notifyUrl), notification(notifyUrl, transaction, false)));
            callbacks.send(delay(2), notification(notifyUrl, transaction, true));
        }
        String base = request.header("Host") == null ? "" : "http://" + request.header("Host");
        ObjectNode data = SandboxReply.object().put("payment_token", token)
                .put("payment_url", base + "/sandbox/cinetpay/checkout/" + token);
        ObjectNode reply = SandboxReply.object().put("code", "201").put("message", "CREATED")
                .put("description", "Transaction created with success");
        reply.set("data", data);
        reply.put("api_response_id", now().toEpochMilli() / 1000.0 + "");
        return SandboxReply.json(200, reply);
    }

    private SandboxCallbacks.Delivery ping(String notifyUrl) {
        return new SandboxCallbacks.Delivery(provider, "GET ping", "GET", notifyUrl, null, Map.of(), null,
                SandboxCallbacks.OK_200);
    }

    /** The form CinetPay posts (§2.2), every value a string, signed with the secret key (x-token). */
    private SandboxCallbacks.Delivery notification(String notifyUrl, Transaction transaction, boolean last) {
        String state = !last ? "WAITING_FOR_CUSTOMER" : transaction.accepted() ? "SUCCES" : "TRANSACTION_CANCEL";
        Map<String, String> form = new LinkedHashMap<>();
        form.put("cpm_site_id", SandboxCredentials.CINETPAY_SITE_ID);
        form.put("cpm_trans_id", transaction.id());
        form.put("cpm_trans_date", DATE.format(transaction.createdAt()));
        form.put("cpm_amount", transaction.amount().toPlainString());
        form.put("cpm_currency", transaction.currency());
        form.put("signature", transaction.token());
        form.put("payment_method", "OM");
        form.put("cel_phone_num", transaction.phone() == null ? "" : transaction.phone());
        form.put("cpm_phone_prefixe", "225");
        form.put("cpm_language", "fr");
        form.put("cpm_version", "V4");
        form.put("cpm_payment_config", "Single");
        form.put("cpm_page_action", "Payment");
        form.put("cpm_custom", "");
        form.put("cpm_designation", transaction.description());
        form.put("cpm_error_message", state);
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return new SandboxCallbacks.Delivery(provider, state + " " + transaction.id(), "POST", notifyUrl,
                "application/x-www-form-urlencoded",
                Map.of("x-token", CinetpaySignatureVerifier.xToken(form, SandboxCredentials.CINETPAY_SECRET)), body,
                SandboxCallbacks.OK_200);
    }

    private SandboxReply check(SandboxRequest request) {
        JsonNode body = authenticated(request);
        String id = SandboxRequest.text(body, "transaction_id");
        String token = SandboxRequest.text(body, "token");
        Transaction transaction = id != null ? byId.get(id) : token != null ? byToken.get(token) : null;
        if (id == null && token == null) {
            throw minimum("transaction_id or token is required");
        }
        if (transaction == null) {
            throw answer(404, "404", "TRANSACTION_NOT_FOUND", "no transaction " + (id != null ? id : token));
        }
        boolean settled = transaction.settled(now());
        String code = !settled ? "662" : transaction.accepted() ? "00" : "627";
        String message = !settled ? "WAITING_CUSTOMER_PAYMENT" : transaction.accepted() ? "SUCCES" : "TRANSACTION_CANCEL";
        String status = !settled ? "WAITING_FOR_CUSTOMER" : transaction.accepted() ? "ACCEPTED" : "REFUSED";
        ObjectNode data = SandboxReply.object().put("amount", transaction.amount().toPlainString())
                .put("currency", transaction.currency()).put("status", status).put("payment_method", "OM")
                .put("description", transaction.description()).putNull("metadata")
                .put("operator_id", settled && transaction.accepted() ? transaction.operatorId() : null)
                .put("payment_date", settled ? DATE.format(transaction.settlesAt()) : " ")
                .put("fund_availability_date", settled ? DATE.format(transaction.settlesAt().plusSeconds(86400)) : " ");
        ObjectNode reply = SandboxReply.object().put("code", code).put("message", message);
        reply.set("data", data);
        reply.put("api_response_id", now().toEpochMilli() / 1000.0 + "");
        return SandboxReply.json(200, reply);
    }

    private static String required(JsonNode body, String field) {
        String value = SandboxRequest.text(body, field);
        if (value == null) {
            throw minimum(field + " is required");
        }
        return value;
    }

    private static String url(JsonNode body, String field) {
        String value = required(body, field);
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return value;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw minimum(field + " must be an http(s) URL");
    }

    private static SandboxReply.Refusal minimum(String description) {
        return answer(400, "608", "MINIMUM_REQUIRED_FIELDS", description);
    }

    private static SandboxReply.Refusal answer(int status, String code, String message, String description) {
        return SandboxReply.json(status, SandboxReply.object().put("code", code).put("message", message)
                .put("description", description)).refusal();
    }
}
