package io.paysync.system;

import java.util.HashMap;
import java.util.Map;

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
    private static final String[] KEYS = {PROVIDER, MERCHANT_REFERENCE};

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
        Map<String, String> saved = save();
        try {
            put(PROVIDER, provider);
            put(MERCHANT_REFERENCE, merchantReference);
            action.run();
        } finally {
            restore(saved);
        }
    }

    /** Wraps every route step: the exchange's payment in the MDC while the step runs. */
    public static InterceptStrategy interceptStrategy() {
        return (context, definition, target, nextTarget) -> new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                Map<String, String> saved = save();
                try {
                    put(PROVIDER, exchange.getProperty(PROVIDER, String.class));
                    put(MERCHANT_REFERENCE, exchange.getProperty(MERCHANT_REFERENCE, String.class));
                    return processor.process(exchange, callback);
                } finally {
                    restore(saved);
                }
            }
        };
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }

    private static Map<String, String> save() {
        Map<String, String> saved = new HashMap<>(2);
        for (String key : KEYS) {
            saved.put(key, MDC.get(key));
        }
        return saved;
    }

    private static void restore(Map<String, String> saved) {
        saved.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
