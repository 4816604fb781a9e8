package io.paysync.provider;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Checks a provider's signature on a callback, where the provider signs (CinetPay, EllyPay).
 * A callback that does not verify is refused with 401 before it is mapped or recorded as
 * accepted: it changes nothing.
 *
 * <p>As a Camel {@link Processor} it reads the {@link RawCallback} left by the request reader;
 * routes call it as {@code process: {ref: <provider>SignatureVerifier}}.
 */
public interface SignatureVerifier extends Processor {

    /** The provider whose signatures this checks. */
    String provider();

    /**
     * Verifies the callback as received.
     *
     * @throws CallbackRejectedException 401 when the signature is missing, malformed, wrong or stale,
     *         or when the key needed to check it is not configured
     */
    void verify(RawCallback callback);

    @Override
    default void process(Exchange exchange) {
        verify(exchange.getProperty(CallbackMapper.RAW_CALLBACK, RawCallback.class));
    }
}
