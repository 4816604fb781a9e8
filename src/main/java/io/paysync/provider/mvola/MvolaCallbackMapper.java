package io.paysync.provider.mvola;

import static io.paysync.provider.CallbackFields.numericString;
import static io.paysync.provider.CallbackFields.reference;
import static io.paysync.provider.CallbackFields.requiredText;
import static io.paysync.provider.CallbackFields.string;
import static io.paysync.provider.CallbackFields.text;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.payment.Match;
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
 * MVola Merchant Pay callbacks (PROVIDERS.md §5.3, mvola-merchantpay-v1.txt): a GSMA-style JSON
 * PUT with {@code transactionStatus} and {@code serverCorrelationId} but no merchant reference,
 * so the payment is found through the serverCorrelationId returned at initiation.
 */
@Component("mvolaCallbackMapper")
class MvolaCallbackMapper extends JsonCallbackMapper {

    static final String PROVIDER = "mvola";
    static final String OPERATOR = "MVOLA";
    static final Ack RECEIVED = Ack.json("{\"status\":\"RECEIVED\"}");

    MvolaCallbackMapper(ObjectMapper json) {
        super(PROVIDER, "PUT", json);
    }

    @Override
    public MappedCallback map(RawCallback callback) {
        JsonNode body = body(callback);
        String correlationId = reference("serverCorrelationId", string(body, "serverCorrelationId"));
        PaymentUpdate update = PaymentUpdate.builder(PROVIDER, status(requiredText(body, "transactionStatus")),
                        Source.CALLBACK)
                .match(Match.PROVIDER_REFERENCE)
                .providerReference(correlationId)
                .fees(fee(body))
                .payer(party(body, "debitParty"))
                .operator(OPERATOR)
                .build();
        return MappedCallback.of(update, RECEIVED);
    }

    /**
     * The answer of the status API (§5.4): {@code {"status", "serverCorrelationId", "notificationMethod",
     * "objectReference"}}. Its field is {@code status}; a {@code transactionStatus} there (the callback's
     * name) is not read. The payment is the one asked about: {@code merchantReference}, and the
     * {@code serverCorrelationId} it was asked by stays its provider reference; an answer naming another
     * serverCorrelationId is refused. {@code objectReference}, the final transaction's reference (the key
     * of the details API), is kept in the status reason.
     */
    static PaymentUpdate statusAnswer(JsonNode body, String merchantReference, String serverCorrelationId) {
        PaymentStatus status = status("status", requiredText(body, "status"));
        String answered = string(body, "serverCorrelationId");
        if (answered != null && !answered.equals(serverCorrelationId)) {
            throw CallbackRejectedException.badRequest("field serverCorrelationId is not the one asked about");
        }
        String objectReference = text(body, 100, "objectReference");
        return PaymentUpdate.builder(PROVIDER, status, Source.STATUS_CHECK)
                .merchantReference(merchantReference)
                .providerReference(serverCorrelationId)
                .operator(OPERATOR)
                .statusReason(objectReference == null ? null : "objectReference " + objectReference)
                .build();
    }

    /** MVola's one vocabulary (§7.2): callbacks' {@code transactionStatus}, the status API's {@code status}. */
    static PaymentStatus status(String status) {
        return status("transactionStatus", status);
    }

    /** {@link #status(String)}, naming {@code field} when the status is unknown. */
    static PaymentStatus status(String field, String status) {
        return switch (status) {
            case "completed" -> PaymentStatus.SUCCESS;
            case "failed" -> PaymentStatus.FAILED;
            case "pending" -> PaymentStatus.PENDING;
            default -> throw CallbackFields.unknownStatus(field, status);
        };
    }

    /** {@code fees: [{"feeAmount": "5.46"}]} on the callback, {@code fee: {feeAmount}} in details: read both. */
    private static BigDecimal fee(JsonNode body) {
        JsonNode fees = body.path("fees");
        if (fees.isArray() && !fees.isEmpty() && fees.get(0).isObject()) {
            return numericString(fees.get(0), "feeAmount");
        }
        JsonNode fee = body.path("fee");
        return fee.isObject() ? numericString(fee, "feeAmount") : null;
    }

    /** The msisdn of a GSMA party list: {@code [{"key": "msisdn", "value": "0343500003"}]}. */
    private static String party(JsonNode body, String name) {
        JsonNode parties = body.path(name);
        if (!parties.isArray()) {
            return null;
        }
        for (JsonNode party : parties) {
            if (party.isObject() && "msisdn".equals(text(party, "key"))) {
                return CallbackFields.bounded(name + ".value", text(party, "value"), 64);
            }
        }
        return null;
    }
}
