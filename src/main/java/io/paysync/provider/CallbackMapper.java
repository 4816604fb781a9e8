package io.paysync.provider;

import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Reads one provider's callbacks: which requests it sends, how to turn one into a canonical
 * {@link io.paysync.payment.PaymentUpdate}, and the exact acknowledgement it expects.
 *
 * <p>One implementation per provider package. As a Camel {@link Processor} it reads the
 * {@link RawCallback} left by the request reader and leaves a {@link MappedCallback}; a request
 * it cannot read is refused with a {@link CallbackRejectedException} (400).
 */
public interface CallbackMapper extends Processor {

    /** Exchange property holding the {@link RawCallback}. */
    String RAW_CALLBACK = "paysyncRawCallback";
    /** Exchange property holding the {@link MappedCallback}. */
    String MAPPED_CALLBACK = "paysyncMappedCallback";

    /** The provider's name in URLs, configuration and payments: lower case, e.g. {@code mypvit}. */
    String provider();

    /** The HTTP methods the provider uses for this endpoint. */
    Set<String> methods();

    /** The media type of the bodies it sends (checked on requests that carry a body). */
    String mediaType();

    /** Turns one received callback into what it means. */
    MappedCallback map(RawCallback callback);

    /** How far a provider's callbacks can be trusted (CONTRACT §7). */
    enum Trust {
        /** Signed: a final status in a callback counts as final. */
        FINAL,
        /** Unsigned: a final status is confirmed by a status check before it counts. */
        CONFIRM,
        /** The callback never carries a trustworthy status: every callback triggers a status check. */
        CHECK
    }

    /** {@link Trust#CONFIRM} unless the provider signs its callbacks. */
    default Trust trust() {
        return Trust.CONFIRM;
    }

    /**
     * The form in which the provider echoes a merchant reference, used to match callbacks to
     * payments (MyPVit strips dashes). Identity by default.
     */
    default String matchKey(String merchantReference) {
        return merchantReference;
    }

    /**
     * The answer to a refused callback: problem+json by default; a provider with its own failure
     * body (VirtualPay's {@code 99}) overrides this.
     */
    default Ack rejection(int status, String problemJson) {
        return new Ack(status, "application/problem+json", problemJson);
    }

    /** Maps the callback and refuses what a payment could not hold (see {@link CanonicalLimits}). */
    @Override
    default void process(Exchange exchange) {
        RawCallback callback = exchange.getProperty(RAW_CALLBACK, RawCallback.class);
        MappedCallback mapped = map(callback);
        if (mapped.update() != null) {
            CanonicalLimits.check(mapped.update());
        }
        exchange.setProperty(MAPPED_CALLBACK, mapped);
    }
}
