package io.paysync.system;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.MDC;

/**
 * The payment a log line is about, in the MDC as {@value #PROVIDER} and
 * {@value #MERCHANT_REFERENCE} (CONTRACT §6). A step that learns them calls
 * {@link #name(Exchange, String, String)}: they become exchange properties of the same names, and
 * {@link #interceptStrategy()} puts them into the MDC around every later step of the exchange,
 * whichever thread runs it, and restores the MDC after each step (pooled threads never carry
 * them over to another exchange). Camel's own keys ({@code camel.routeId}, {@code camel.exchangeId},
 * {@code camel.breadcrumbId}…) come from {@code camel.main.use-mdc-logging}.
 */
public final class PaymentMdc {

    public static final String PROVIDER = "provider";
    public static final String MERCHANT_REFERENCE = "merchantReference";

    private PaymentMdc() {
    }

    /** Names the payment of this exchange, for this step's log lines and every later step's. */
    public static void name(Exchange exchange, String provider, String merchantReference) {
        if (provider != null) {
            exchange.setProperty(PROVIDER, provider);
            MDC.put(PROVIDER, provider);
        }
        if (merchantReference != null) {
            exchange.setProperty(MERCHANT_REFERENCE, merchantReference);
            MDC.put(MERCHANT_REFERENCE, merchantReference);
        }
    }

    /** Runs the action with the MDC naming this payment, restoring the MDC afterwards. */
    public static void with(String provider, String merchantReference, Runnable action) {
        String savedProvider = MDC.get(PROVIDER);
        String savedReference = MDC.get(MERCHANT_REFERENCE);
        try {
            putChanged(PROVIDER, savedProvider, provider);
            putChanged(MERCHANT_REFERENCE, savedReference, merchantReference);
            action.run();
        } finally {
            restore(PROVIDER, savedProvider);
            restore(MERCHANT_REFERENCE, savedReference);
        }
    }

    /**
     * Wraps every route step: the exchange's payment in the MDC while the step runs, the MDC as it
     * was afterwards (the thread goes on to other exchanges). Runs around every step of every
     * exchange: two locals rather than a map, and a key written only when its value changes.
     */
    public static InterceptStrategy interceptStrategy() {
        return (context, definition, target, nextTarget) -> new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                String savedProvider = MDC.get(PROVIDER);
                String savedReference = MDC.get(MERCHANT_REFERENCE);
                try {
                    putChanged(PROVIDER, savedProvider, exchange.getProperty(PROVIDER, String.class));
                    putChanged(MERCHANT_REFERENCE, savedReference,
                            exchange.getProperty(MERCHANT_REFERENCE, String.class));
                    return processor.process(exchange, callback);
                } finally {
                    restore(PROVIDER, savedProvider);
                    restore(MERCHANT_REFERENCE, savedReference);
                }
            }
        };
    }

    private static void putChanged(String key, String current, String value) {
        if (value != null && !value.equals(current)) {
            MDC.put(key, value);
        }
    }

    /** Puts the saved value back, touching the MDC only when the step changed it. */
    private static void restore(String key, String saved) {
        String now = MDC.get(key);
        if (saved == null) {
            if (now != null) {
                MDC.remove(key);
            }
        } else if (!saved.equals(now)) {
            MDC.put(key, saved);
        }
    }
}
