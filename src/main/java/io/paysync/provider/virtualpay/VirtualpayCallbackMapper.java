package io.paysync.provider.virtualpay;

import static io.paysync.provider.CallbackFields.numericString;
import static io.paysync.provider.CallbackFields.reference;
import static io.paysync.provider.CallbackFields.requiredText;
import static io.paysync.provider.CallbackFields.string;
import static io.paysync.provider.CallbackFields.text;

import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.payment.Flag;
import io.paysync.payment.Match;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.Ack;
import io.paysync.provider.JsonCallbackMapper;
import io.paysync.provider.MappedCallback;
import io.paysync.provider.RawCallback;
import org.springframework.stereotype.Component;

/**
 * VirtualPay (Access Bank) transfer notifications (PROVIDERS.md §4.1): a JSON POST of strings
 * fired on every transfer into a virtual account. A transfer into an account paysync generated
 * settles that payment; any other is a payment of its own under its
 * {@code transaction_reference}, which also identifies repeats (answered {@code 98}).
 * {@code tran_response_code "00"} is a success; {@code payment_status "Amount Mismatch"} is a
 * success flagged {@link Flag#AMOUNT_MISMATCH}.
 */
@Component("virtualpayCallbackMapper")
class VirtualpayCallbackMapper extends JsonCallbackMapper {

    static final String PROVIDER = "virtualpay";
    static final String CURRENCY = "NGN";
    /** {@code tran_response_code} and {@code response_code} of a success. */
    static final String CODE_SUCCESS = "00";
    /** The only {@code transaction_status} documented for CheckTransactionStatus (§4.2). */
    static final String TRANSACTION_COMPLETED = "COMPLETED";
    static final Ack ACCEPTED = Ack.json("{\"response_code\":\"00\",\"response_message\":\"Successful Request\"}");
    static final Ack DUPLICATE = Ack.json("{\"response_code\":\"98\",\"response_message\":\"Duplicate Transaction\"}");
    /** The body of every refusal, whatever its HTTP status. */
    static final String FAILED_BODY = "{\"response_code\":\"99\",\"response_message\":\"Failed Request\"}";

    VirtualpayCallbackMapper(ObjectMapper json) {
        super(PROVIDER, "POST", json);
    }

    @Override
    public MappedCallback map(RawCallback callback) {
        JsonNode body = body(callback);
        String transactionReference = reference("transaction_reference", string(body, "transaction_reference"));
        String virtualAccount = reference("virtual_account_no", string(body, "virtual_account_no"));
        String responseCode = requiredText(body, "tran_response_code");
        String paymentStatus = string(body, "payment_status");
        PaymentStatus status = tranStatus(responseCode);
        boolean success = status == PaymentStatus.SUCCESS;
        boolean mismatch = success && "Amount Mismatch".equalsIgnoreCase(paymentStatus);
        PaymentUpdate update = PaymentUpdate.builder(PROVIDER, status, Source.CALLBACK)
                .match(Match.VIRTUAL_ACCOUNT)
                .merchantReference(transactionReference)
                .providerReference(transactionReference)
                .amount(numericString(body, "transaction_amount"))
                .currency(CURRENCY)
                .fees(numericString(body, "transaction_fee"))
                .payer(text(body, 64, "source_account"))
                .operator(text(body, 64, "source_bank"))
                .statusReason(reason(success, responseCode, text(body, "tran_response_message"), paymentStatus))
                .flags(mismatch ? Set.of(Flag.AMOUNT_MISMATCH) : Set.of())
                .virtualAccount(virtualAccount)
                .customerId(text(body, 100, "customer_id"))
                .build();
        return new MappedCallback(update, ACCEPTED, transactionReference, DUPLICATE);
    }

    /** VirtualPay gets its documented failure body with every 4xx/5xx, never problem+json. */
    @Override
    public Ack rejection(int status, String problemJson) {
        return new Ack(status, Ack.JSON, FAILED_BODY);
    }

    /**
     * VirtualPay's status vocabulary for one transfer: {@code tran_response_code "00"} is a success,
     * any other code a failure (PROVIDERS.md §4.1, §7.2) — in callbacks and in CheckTransactionStatus
     * answers alike.
     */
    static PaymentStatus tranStatus(String tranResponseCode) {
        return CODE_SUCCESS.equals(tranResponseCode) ? PaymentStatus.SUCCESS : PaymentStatus.FAILED;
    }

    /**
     * What the {@code response_data} of a CheckTransactionStatus answer says (PROVIDERS.md §4.2, §7.2):
     * a {@code tran_response_code} other than {@code "00"} is a failure ({@link #tranStatus}); otherwise
     * {@code transaction_status "COMPLETED"} is a success. Only COMPLETED is documented, so any other
     * {@code transaction_status} is no final answer: PENDING, checked again later.
     *
     * @return empty when neither field is there
     */
    static Optional<PaymentStatus> checkStatus(String transactionStatus, String tranResponseCode) {
        if (tranResponseCode != null && tranStatus(tranResponseCode) == PaymentStatus.FAILED) {
            return Optional.of(PaymentStatus.FAILED);
        }
        if (transactionStatus == null) {
            return Optional.empty();
        }
        return Optional.of(TRANSACTION_COMPLETED.equalsIgnoreCase(transactionStatus) ? PaymentStatus.SUCCESS
                : PaymentStatus.PENDING);
    }

    /** The status reason of a transfer: the failing code and message, or the payment status. */
    static String reason(boolean success, String code, String message, String paymentStatus) {
        if (!success) {
            return "tran_response_code " + code + (message == null ? "" : " " + message);
        }
        return paymentStatus;
    }
}
