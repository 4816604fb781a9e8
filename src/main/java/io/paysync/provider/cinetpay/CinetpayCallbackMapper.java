package io.paysync.provider.cinetpay;

import static io.paysync.provider.CallbackFields.bounded;
import static io.paysync.provider.CallbackFields.decimal;
import static io.paysync.provider.CallbackFields.form;
import static io.paysync.provider.CallbackFields.reference;

import java.util.Optional;
import java.util.Set;

import io.paysync.payment.PaymentStatus;
import io.paysync.payment.PaymentUpdate;
import io.paysync.payment.Source;
import io.paysync.provider.Ack;
import io.paysync.provider.CallbackFields;
import io.paysync.provider.CallbackMapper;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.MappedCallback;
import io.paysync.provider.RawCallback;
import org.springframework.stereotype.Component;

/**
 * CinetPay notifications (PROVIDERS.md §2.2): a GET availability ping without data, and
 * form-urlencoded POSTs carrying {@code cpm_*} fields. CinetPay deliberately leaves the payment
 * status out of its notification: the truth comes from {@code /v2/payment/check} only, so a
 * notification registers the payment as PENDING (with what it says about amount and payer)
 * and never settles it. {@code cpm_error_message} is kept as the status reason.
 */
@Component("cinetpayCallbackMapper")
class CinetpayCallbackMapper implements CallbackMapper {

    static final String PROVIDER = "cinetpay";

    /** {@code /v2/payment/check} codes (PROVIDERS.md §2.3 table, §7.2); other codes say nothing. */
    static final String CODE_SUCCESS = "00";
    static final String CODE_SERVICE_UNAVAILABLE = "603";
    static final String CODE_TRANSACTION_CANCEL = "627";
    static final Set<String> CODES_FAILED = Set.of("600", "602", "604", "606", "635", "636", "641", "642", "804",
            "807", "808", "809", "810", "811", "812");
    static final Set<String> CODES_PENDING = Set.of("623", "662", "663", "664");

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<String> methods() {
        return Set.of("GET", "POST");
    }

    @Override
    public String mediaType() {
        return "application/x-www-form-urlencoded";
    }

    /** CinetPay leaves the status out of its notifications on purpose: each one triggers a check. */
    @Override
    public Trust trust() {
        return Trust.CHECK;
    }

    @Override
    public MappedCallback map(RawCallback callback) {
        if ("GET".equals(callback.method())) {
            return MappedCallback.ping(Ack.ok());
        }
        if (callback.form().isEmpty()) {
            throw CallbackRejectedException.badRequest("empty form; cpm_* fields are expected");
        }
        CallbackFields.singleValued(callback);
        String prefix = form(callback, "cpm_phone_prefixe");
        String phone = form(callback, "cel_phone_num");
        PaymentUpdate update = PaymentUpdate.builder(PROVIDER, PaymentStatus.PENDING, Source.CALLBACK)
                .merchantReference(reference("cpm_trans_id", form(callback, "cpm_trans_id")))
                .amount(decimal("cpm_amount", form(callback, "cpm_amount")))
                .currency(bounded("cpm_currency", form(callback, "cpm_currency"), 8))
                .payer(bounded("cel_phone_num", phone == null ? null : (prefix == null ? "" : prefix) + phone, 64))
                .operator(bounded("payment_method", form(callback, "payment_method"), 64))
                .statusReason(bounded("cpm_error_message", form(callback, "cpm_error_message"), 500))
                .build();
        return MappedCallback.of(update, Ack.ok());
    }

    /**
     * CinetPay's status vocabulary: what a {@code /v2/payment/check} answer says (notifications carry
     * no status). {@code data.status} first, then {@code code} (PROVIDERS.md §7.2; issue 4 item 2):
     * {@code ACCEPTED}/{@code 00} → SUCCESS; {@code 627} TRANSACTION_CANCEL → CANCELLED, also under
     * {@code REFUSED} as the documented failure example sends it; other refusals → FAILED;
     * {@code WAITING_FOR_CUSTOMER}, {@code PENDING}, {@code CREATED}, {@code WAITING_CUSTOMER_*} and
     * {@code 623}, {@code 662}–{@code 664} → PENDING.
     *
     * @return empty when the answer cannot be relied on: {@code 603} SERVICE_UNAVAILABLE (whatever
     *         {@code data.status} says), or no status or code this vocabulary knows — never FAILED
     */
    static Optional<PaymentStatus> checkStatus(String dataStatus, String code) {
        if (CODE_SERVICE_UNAVAILABLE.equals(code)) {
            return Optional.empty();
        }
        PaymentStatus byStatus = dataStatus == null ? null : switch (dataStatus) {
            case "ACCEPTED" -> PaymentStatus.SUCCESS;
            case "REFUSED" -> CODE_TRANSACTION_CANCEL.equals(code) ? PaymentStatus.CANCELLED : PaymentStatus.FAILED;
            case "CANCELLED" -> PaymentStatus.CANCELLED;
            case "WAITING_FOR_CUSTOMER", "PENDING", "CREATED" -> PaymentStatus.PENDING;
            default -> dataStatus.startsWith("WAITING_CUSTOMER") ? PaymentStatus.PENDING : null;
        };
        if (byStatus != null) {
            return Optional.of(byStatus);
        }
        // no data.status, or one this vocabulary does not know: the code may still tell
        if (code == null) {
            return Optional.empty();
        }
        if (CODE_SUCCESS.equals(code)) {
            return Optional.of(PaymentStatus.SUCCESS);
        }
        if (CODE_TRANSACTION_CANCEL.equals(code)) {
            return Optional.of(PaymentStatus.CANCELLED);
        }
        if (CODES_FAILED.contains(code)) {
            return Optional.of(PaymentStatus.FAILED);
        }
        if (CODES_PENDING.contains(code)) {
            return Optional.of(PaymentStatus.PENDING);
        }
        return Optional.empty();
    }
}
