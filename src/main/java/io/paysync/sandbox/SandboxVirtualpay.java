package io.paysync.sandbox;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.provider.CallbackUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * VirtualPay (PROVIDERS.md §4, §6): {@code GenerateVirtualAccountNumber} hands out a dynamic virtual
 * account; the simulated customer then transfers into it, and the transfer is called back (JSON POST,
 * every field a string), repeated until answered {@code 00} or {@code 98}. The customer transfers the
 * amount asked ({@code payment_status "Complete"}) or, when the customer id or name says
 * {@code MISMATCH}, half of it ({@code "Amount Mismatch"}). {@code CheckTransactionStatus} answers by
 * {@code request_id}. Requests need {@code Ocp-Apim-Subscription-Key}.
 */
@Component("sandboxVirtualpay")
@SandboxOnly
class SandboxVirtualpay extends SimulatedProvider {

    private static final Logger log = LoggerFactory.getLogger(SandboxVirtualpay.class);

    static final String MISMATCH = "MISMATCH";
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd-MM-yyyy").withZone(ZoneOffset.UTC);

    record Account(String requestId, String number, String name, String customerId, BigDecimal asked,
            BigDecimal paid, String transactionReference, String sessionId, Instant createdAt, Instant settlesAt) {

        boolean paid(Instant now) {
            return !now.isBefore(settlesAt);
        }

        BigDecimal fee() {
            return paid.multiply(new BigDecimal("0.01")).setScale(2, RoundingMode.HALF_UP);
        }
    }

    private final CallbackUrls callbackUrls;
    private final Map<String, Account> byRequestId = new ConcurrentHashMap<>();

    SandboxVirtualpay(SandboxProperties settings, SandboxCallbacks callbacks, Clock clock, CallbackUrls callbackUrls) {
        super("virtualpay", settings, callbacks, clock);
        this.callbackUrls = callbackUrls;
    }

    @Override
    SandboxReply handle(SandboxRequest request) {
        boolean generate = request.path().endsWith("/GenerateVirtualAccountNumber");
        boolean status = request.path().endsWith("/CheckTransactionStatus");
        if (!request.method().equals("POST") || !(generate || status)) {
            throw failed(404, "no VirtualPay API under " + request.method() + " " + request.path());
        }
        if (!SandboxCredentials.VIRTUALPAY_KEY.equals(request.header("Ocp-Apim-Subscription-Key"))) {
            throw failed(401, "missing or invalid Ocp-Apim-Subscription-Key");
        }
        if (!"application/json".equals(request.mediaType())) {
            throw failed(415, "Content-Type must be application/json");
        }
        JsonNode body = request.json();
        if (body == null) {
            throw failed(400, "the body must be a JSON object");
        }
        if (!SandboxCredentials.VIRTUALPAY_MERCHANT.equals(SandboxRequest.text(body, "merchant_id"))
                || !SandboxCredentials.VIRTUALPAY_CHANNEL.equals(SandboxRequest.text(body, "channel_code"))) {
            throw failed(400, "unknown merchant_id or channel_code");
        }
        return generate ? generate(body) : status(body);
    }

    private SandboxReply generate(JsonNode body) {
        String customerId = SandboxRequest.text(body, "customer_id");
        String amountText = SandboxRequest.text(body, "transaction_amount");
        BigDecimal amount;
        try {
            amount = amountText == null ? null : new BigDecimal(amountText);
        } catch (NumberFormatException e) {
            amount = null;
        }
        if (customerId == null || amount == null || amount.signum() <= 0 || amount.scale() > 2) {
            throw failed(400, "customer_id and a positive transaction_amount (at most 2 decimals) are required");
        }
        if (!"NGN".equals(SandboxRequest.text(body, "currency"))) {
            throw failed(400, "currency must be NGN");
        }
        String name = SandboxRequest.text(body, "customer_name");
        BigDecimal paid = says(MISMATCH, customerId, name)
                ? amount.divide(BigDecimal.valueOf(2), 2, RoundingMode.DOWN) : amount.setScale(2);
        String number = "14" + digits(8);
        Account account = new Account("VPAY" + letters(16), number, "PAYSYNC SANDBOX- " + (name == null ? customerId : name),
                customerId, amount, paid, "VPAYTO" + digits(10), "100004" + digits(24), now(), settlesAt(1));
        byRequestId.put(account.requestId(), account);
        if (says(LOSE_CALLBACK, customerId, name)) {
            log.info("sandbox virtualpay: the transfer into {} will be made, its callback is LOST"
                    + " (only CheckTransactionStatus tells)", number);
        } else {
            callbacks.send(delay(1), transfer(account));
        }
        ObjectNode data = SandboxReply.object().put("virtual_acct_no", number).put("virtual_acct_name", account.name())
                .put("request_id", account.requestId())
                .put("expiry_datetime", DATE_TIME.format(account.createdAt().plusSeconds(30 * 60)));
        return answer("00", "Successful Request", data);
    }

    /** The transfer callback (§4.1): every field a string, DD-MM-YYYY date. */
    private SandboxCallbacks.Delivery transfer(Account account) {
        boolean complete = account.paid().compareTo(account.asked()) == 0;
        ObjectNode body = SandboxReply.object().put("customer_id", account.customerId())
                .put("virtual_account_no", account.number()).put("virtual_account_name", account.name())
                .put("transaction_amount", account.paid().toPlainString())
                .put("transaction_fee", account.fee().toPlainString())
                .put("transaction_reference", account.transactionReference()).put("bo_referenceno", "BO" + digits(8))
                .put("source_account", "0123456789").put("source_account_name", "SANDBOX PAYER")
                .put("source_bank", "SANDBOX BANK").put("source_bank_code", "999")
                .put("narration", "payment " + account.customerId()).put("session_id", account.sessionId())
                .put("transaction_date", DATE.format(account.settlesAt())).put("tran_response_code", "00")
                .put("tran_response_message", "Successful").put("channel_code", SandboxCredentials.VIRTUALPAY_CHANNEL)
                .put("payment_status", complete ? "Complete" : "Amount Mismatch").put("transaction_type", "dynamic");
        return new SandboxCallbacks.Delivery(provider, (complete ? "Complete " : "Amount Mismatch ")
                + account.transactionReference(), "POST", callbackUrls.of(provider), "application/json", Map.of(),
                body.toString(), SandboxVirtualpay::acknowledged);
    }

    /** {@code 00} (taken) or {@code 98} (a duplicate, already taken) with HTTP 200. */
    static boolean acknowledged(java.net.http.HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return false;
        }
        try {
            String code = SandboxRequest.JSON.readTree(response.body()).path("response_code").asText();
            return "00".equals(code) || "98".equals(code);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return false;
        }
    }

    private SandboxReply status(JsonNode body) {
        String requestId = SandboxRequest.text(body, "request_id");
        Account account = requestId == null ? null : byRequestId.get(requestId);
        if (account == null) {
            throw failed(404, "no transaction with request_id " + requestId);
        }
        boolean paid = account.paid(now());
        ObjectNode data = SandboxReply.object().put("request_id", account.requestId())
                .put("customer_id", account.customerId()).put("merchant_id", SandboxCredentials.VIRTUALPAY_MERCHANT)
                .put("virtual_account_no", account.number()).put("virtual_account_name", account.name())
                .put("captured_datetime", DATE_TIME.format(account.createdAt()))
                .put("completed_datetime", paid ? DATE_TIME.format(account.settlesAt()) : "")
                .put("transaction_status", paid ? "COMPLETED" : "PENDING")
                .put("amount_paid", paid ? account.paid().toPlainString() : "0.00")
                .put("amount_moved_to_pool", paid ? account.paid().subtract(account.fee()).toPlainString() : "0.00")
                .put("source_account", paid ? "0123456789" : "").put("source_bank", paid ? "SANDBOX BANK" : "")
                .put("session_id", paid ? account.sessionId() : "")
                .put("tran_response_code", paid ? "00" : "").put("tran_response_message", paid ? "Successful" : "")
                .put("merchant_name", "PAYSYNC SANDBOX").put("notification_sent", paid ? "Y" : "N");
        return answer("00", "Successful Request", data);
    }

    private static SandboxReply answer(String code, String message, ObjectNode data) {
        ObjectNode body = SandboxReply.object().put("response_code", code).put("response_message", message);
        body.set("response_data", data);
        return SandboxReply.json(200, body);
    }

    private static SandboxReply.Refusal failed(int status, String detail) {
        return SandboxReply.json(status, SandboxReply.object().put("response_code", "99")
                .put("response_message", "Failed Request").put("response_detail", detail)).refusal();
    }
}
