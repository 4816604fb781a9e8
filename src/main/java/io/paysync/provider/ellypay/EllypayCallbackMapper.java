package io.paysync.provider.ellypay;

import static io.paysync.provider.CallbackFields.decimal;
import static io.paysync.provider.CallbackFields.number;
import static io.paysync.provider.CallbackFields.reference;
import static io.paysync.provider.CallbackFields.requiredText;
import static io.paysync.provider.CallbackFields.string;
import static io.paysync.provider.CallbackFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.Ack;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.JsonCallbackMapper;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.MappedCallback;
import io.paysync.provider.RawCallback;
import org.springframework.stereotype.Component;

/**
 * EllyPay callbacks (PROVIDERS.md §3.3, §3.4), two generations on one endpoint:
 * gen-1 flat ({@code agent_reference}, {@code internal_reference}, {@code status} SUCCESSFUL…) and
 * gen-2 {@code {"event", "payload": {merchant_reference, transaction_status COMPLETED…}}}.
 * EllyPay wants a bare 200.
 */
@Component("ellypayCallbackMapper")
class EllypayCallbackMapper extends JsonCallbackMapper {

    static final String PROVIDER = "ellypay";
    /** Gen-1 callbacks carry no currency; the service is Ugandan. */
    static final String GEN1_CURRENCY = "UGX";

    EllypayCallbackMapper(ObjectMapper json) {
        super(PROVIDER, "POST", json);
    }

    @Override
    public MappedCallback map(RawCallback callback) {
        JsonNode body = body(callback);
        PaymentUpdate update = body.has("event") || body.has("payload") ? gen2(body) : gen1(body);
        return MappedCallback.of(update, Ack.ok());
    }

    /** EllyPay signs its callbacks (verified before mapping): their final statuses count. */
    @Override
    public Trust trust() {
        return Trust.FINAL;
    }

    private static PaymentUpdate gen1(JsonNode body) {
        JsonNode details = body.path("details");
        return PaymentUpdate.builder(PROVIDER, gen1Status(requiredText(body, "status")), Source.CALLBACK)
                .merchantReference(reference("agent_reference", string(body, "agent_reference")))
                .providerReference(optionalReference("internal_reference", string(body, "internal_reference")))
                .amount(number(body, "amount"))
                .currency(GEN1_CURRENCY)
                .fees(number(body, "agent_commission"))
                .payer(details.isObject()
                        ? CallbackFields.bounded("details.account_number", text(details, "account_number"), 64) : null)
                .operator(text(body, 64, "product_code"))
                .statusReason(text(body, 500, "message"))
                .build();
    }

    private static PaymentUpdate gen2(JsonNode body) {
        requiredText(body, "event");
        JsonNode payload = body.get("payload");
        if (payload == null || !payload.isObject()) {
            throw CallbackRejectedException.badRequest("missing object payload");
        }
        return gen2Transaction(payload, "payload.", Source.CALLBACK);
    }

    /**
     * A gen-2 transaction object: the {@code payload} of a callback (§3.4) or the {@code data} of a
     * status-verification answer (§3.5), which carry the same fields. {@code path} prefixes the field
     * names in refusals ({@code "payload."}, {@code "data."}).
     */
    static PaymentUpdate gen2Transaction(JsonNode transaction, String path, Source source) {
        return PaymentUpdate.builder(PROVIDER,
                        gen2Status(path + "transaction_status", requiredText(transaction, "transaction_status")), source)
                .merchantReference(reference(path + "merchant_reference", string(transaction, "merchant_reference")))
                .providerReference(optionalReference(path + "internal_reference",
                        string(transaction, "internal_reference")))
                .amount(decimal(transaction, "transaction_amount", "request_amount"))
                .currency(text(transaction, 8, "transaction_currency", "request_currency"))
                .fees(decimal(transaction, "transaction_charge"))
                .payer(text(transaction, 64, "transaction_account"))
                .operator(text(transaction, 64, "provider_code"))
                .statusReason(text(transaction, 500, "status_message"))
                .build();
    }

    static PaymentStatus gen1Status(String status) {
        return switch (status) {
            case "PENDING" -> PaymentStatus.PENDING;
            case "SUCCESSFUL" -> PaymentStatus.SUCCESS;
            case "FAILED" -> PaymentStatus.FAILED;
            case "CANCELLED" -> PaymentStatus.CANCELLED;
            default -> throw CallbackFields.unknownStatus("status", status);
        };
    }

    /** The gen-2 vocabulary (§3.5, §7.2), callbacks and status checks alike. */
    static PaymentStatus gen2Status(String status) {
        return gen2Status("payload.transaction_status", status);
    }

    /** {@link #gen2Status(String)}, naming {@code field} when the status is unknown. */
    static PaymentStatus gen2Status(String field, String status) {
        return switch (status) {
            case "PENDING", "PROCESSING" -> PaymentStatus.PENDING;
            case "COMPLETED" -> PaymentStatus.SUCCESS;
            case "FAILED" -> PaymentStatus.FAILED;
            case "CANCELLED" -> PaymentStatus.CANCELLED;
            default -> throw CallbackFields.unknownStatus(field, status);
        };
    }

    private static String optionalReference(String field, String value) {
        return value == null ? null : reference(field, value);
    }
}
