package io.paysync.provider.mypvit;

import static io.paysync.provider.CallbackFields.number;
import static io.paysync.provider.CallbackFields.node;
import static io.paysync.provider.CallbackFields.reference;
import static io.paysync.provider.CallbackFields.requiredText;
import static io.paysync.provider.CallbackFields.string;
import static io.paysync.provider.CallbackFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.Ack;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.JsonCallbackMapper;
import io.paysync.provider.MappedCallback;
import io.paysync.provider.RawCallback;
import org.springframework.stereotype.Component;

/**
 * MyPVit callbacks (PROVIDERS.md §1.3): a camelCase JSON POST ({@code transactionId},
 * {@code merchantReferenceId}, {@code status}, {@code code}…), and the snake_case shape of the
 * initiation response that one document shows as a notification. MyPVit validates the
 * integration on the acknowledgement echoing {@code transactionId} and {@code code} as sent.
 */
@Component("mypvitCallbackMapper")
class MypvitCallbackMapper extends JsonCallbackMapper {

    static final String PROVIDER = "mypvit";
    static final String CURRENCY = "XAF";

    MypvitCallbackMapper(ObjectMapper json) {
        super(PROVIDER, "POST", json);
    }

    @Override
    public MappedCallback map(RawCallback callback) {
        JsonNode body = body(callback);
        JsonNode transactionId = node(body, "transactionId", "reference_id");
        JsonNode code = node(body, "code", "status_code");
        if (transactionId == null) {
            throw CallbackFields.missing("transactionId");
        }
        if (!transactionId.isTextual()) {
            throw CallbackRejectedException.badRequest("field transactionId must be a string");
        }
        if (code == null) {
            throw CallbackFields.missing("code");
        }
        if (!code.isNumber() && !code.isTextual()) {
            throw CallbackRejectedException.badRequest("field code must be a number or a string");
        }
        String merchantReference = reference("merchantReferenceId",
                string(body, "merchantReferenceId", "merchant_reference_id"));
        PaymentUpdate update = PaymentUpdate.builder(PROVIDER, status(requiredText(body, "status")), Source.CALLBACK)
                .merchantReference(merchantReference)
                .providerReference(reference("transactionId", transactionId.asText()))
                .amount(number(body, "amount"))
                .currency(CURRENCY)
                .fees(number(body, "fees"))
                .payer(text(body, 64, "customerID", "customer_account_number"))
                .operator(text(body, 64, "operator"))
                .statusReason(text(body, 500, "message"))
                .build();
        return MappedCallback.of(update, acknowledgement(transactionId, code));
    }

    /** {@code {"responseCode": <code as sent>, "transactionId": <transactionId as sent>}}. */
    private Ack acknowledgement(JsonNode transactionId, JsonNode code) {
        ObjectNode ack = json().createObjectNode();
        ack.set("responseCode", code);
        ack.set("transactionId", transactionId);
        return Ack.json(ack.toString());
    }

    /**
     * MyPVit's status vocabulary, for callbacks and Check Status answers alike (PROVIDERS.md §1.3,
     * §1.4, §7.2); an unknown value is refused with a 400 naming it.
     */
    static PaymentStatus status(String status) {
        return switch (status) {
            case "SUCCESS" -> PaymentStatus.SUCCESS;
            case "FAILED" -> PaymentStatus.FAILED;
            // AMBIGUOUS is declared by one integrator: not an answer, keep waiting
            case "PENDING", "AMBIGUOUS" -> PaymentStatus.PENDING;
            default -> throw CallbackFields.unknownStatus("status", status);
        };
    }

    /** MyPVit strips dashes from references: match after removing them. */
    @Override
    public String matchKey(String merchantReference) {
        return withoutDashes(merchantReference);
    }

    /**
     * A merchant reference as MyPVit knows it: without dashes ({@code LT-2-1774724664} comes back
     * as {@code LT21774724664}, PROVIDERS.md §1.2); the Check Status API is asked with this form.
     */
    static String withoutDashes(String merchantReference) {
        return merchantReference.replace("-", "");
    }
}
