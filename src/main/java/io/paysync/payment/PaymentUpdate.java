package io.paysync.payment;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a provider said about one payment, in canonical terms: the output of a
 * {@code CallbackMapper} (and later of a status client), the input of the state rules.
 * Every field but provider, match, status and source may be null.
 */
public record PaymentUpdate(
        String provider,
        Match match,
        String merchantReference,
        String providerReference,
        PaymentStatus status,
        BigDecimal amount,
        String currency,
        BigDecimal fees,
        String payer,
        String operator,
        String statusReason,
        Set<Flag> flags,
        String virtualAccount,
        String customerId,
        Source source) {

    /** Exchange property of the pipeline: when this update was received (its inbox entry's received_at). */
    public static final String RECEIVED_AT = "paysyncReceivedAt";
    /**
     * Exchange property of the pipeline: the ids of payments to check with their provider as soon as
     * the pipeline's transaction has committed — a list, shared by the callbacks of one transaction
     * (Camel copies properties by reference into a split's parts) and filled once it commits.
     */
    public static final String STATUS_CHECKS = "paysyncStatusChecks";

    public PaymentUpdate {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
        flags = flags == null || flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        if (match == Match.MERCHANT_REFERENCE) {
            Objects.requireNonNull(merchantReference, "merchantReference");
        }
        if (match == Match.PROVIDER_REFERENCE) {
            Objects.requireNonNull(providerReference, "providerReference");
        }
    }

    /** The same update with another status. */
    public PaymentUpdate withStatus(PaymentStatus other) {
        return new PaymentUpdate(provider, match, merchantReference, providerReference, other, amount, currency, fees,
                payer, operator, statusReason, flags, virtualAccount, customerId, source);
    }

    /** The same update with one more flag. */
    public PaymentUpdate withFlag(Flag flag) {
        Set<Flag> more = EnumSet.noneOf(Flag.class);
        more.addAll(flags);
        more.add(flag);
        return new PaymentUpdate(provider, match, merchantReference, providerReference, status, amount, currency, fees,
                payer, operator, statusReason, more, virtualAccount, customerId, source);
    }

    public static Builder builder(String provider, PaymentStatus status, Source source) {
        return new Builder(provider, status, source);
    }

    /** Keeps the mappers readable: most providers fill only some fields. */
    public static final class Builder {
        private final String provider;
        private final PaymentStatus status;
        private final Source source;
        private Match match = Match.MERCHANT_REFERENCE;
        private String merchantReference;
        private String providerReference;
        private BigDecimal amount;
        private String currency;
        private BigDecimal fees;
        private String payer;
        private String operator;
        private String statusReason;
        private Set<Flag> flags = Set.of();
        private String virtualAccount;
        private String customerId;

        private Builder(String provider, PaymentStatus status, Source source) {
            this.provider = provider;
            this.status = status;
            this.source = source;
        }

        public Builder match(Match value) { this.match = value; return this; }
        public Builder merchantReference(String value) { this.merchantReference = value; return this; }
        public Builder providerReference(String value) { this.providerReference = value; return this; }
        public Builder amount(BigDecimal value) { this.amount = value; return this; }
        public Builder currency(String value) { this.currency = value; return this; }
        public Builder fees(BigDecimal value) { this.fees = value; return this; }
        public Builder payer(String value) { this.payer = value; return this; }
        public Builder operator(String value) { this.operator = value; return this; }
        public Builder statusReason(String value) { this.statusReason = value; return this; }
        public Builder flags(Set<Flag> value) { this.flags = value; return this; }
        public Builder virtualAccount(String value) { this.virtualAccount = value; return this; }
        public Builder customerId(String value) { this.customerId = value; return this; }

        public PaymentUpdate build() {
            return new PaymentUpdate(provider, match, merchantReference, providerReference, status, amount,
                    currency, fees, payer, operator, statusReason, flags, virtualAccount, customerId, source);
        }
    }
}
