package io.paysync.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The payment MDC around a route step: the step logs with the exchange's payment, and the thread
 * gets its MDC back as it was afterwards, whether the step named a payment itself or not.
 */
class PaymentMdcTests {

    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void clear() {
        MDC.clear();
    }

    /** Runs the step wrapped as every route step is; what the MDC held while it ran. */
    Map<String, String> runStep(Exchange exchange, Processor step) throws Exception {
        Map<String, String> seen = new HashMap<>();
        Processor recording = e -> {
            step.process(e);
            seen.put(PaymentMdc.PROVIDER, MDC.get(PaymentMdc.PROVIDER));
            seen.put(PaymentMdc.MERCHANT_REFERENCE, MDC.get(PaymentMdc.MERCHANT_REFERENCE));
        };
        AsyncProcessor wrapped = (AsyncProcessor) PaymentMdc.interceptStrategy()
                .wrapProcessorInInterceptors(camel, null, recording, null);
        wrapped.process(exchange, done -> { });
        return seen;
    }

    @Test
    void aStepLogsWithTheExchangesPaymentAndTheThreadGetsItsMdcBack() throws Exception {
        MDC.put(PaymentMdc.PROVIDER, "left-by-the-caller");
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(PaymentMdc.PROVIDER, "mvola");
        exchange.setProperty(PaymentMdc.MERCHANT_REFERENCE, "R-1");

        Map<String, String> seen = runStep(exchange, e -> { });

        assertThat(seen).containsEntry(PaymentMdc.PROVIDER, "mvola").containsEntry(PaymentMdc.MERCHANT_REFERENCE, "R-1");
        assertThat(MDC.get(PaymentMdc.PROVIDER)).isEqualTo("left-by-the-caller");
        assertThat(MDC.get(PaymentMdc.MERCHANT_REFERENCE)).isNull();
    }

    @Test
    void aStepThatNamesThePaymentLeavesNothingOnTheThread() throws Exception {
        Exchange exchange = new DefaultExchange(camel);

        Map<String, String> seen = runStep(exchange, e -> PaymentMdc.name(e, "ellypay", "R-2"));

        assertThat(seen).containsEntry(PaymentMdc.PROVIDER, "ellypay").containsEntry(PaymentMdc.MERCHANT_REFERENCE, "R-2");
        assertThat(MDC.get(PaymentMdc.PROVIDER)).isNull();
        assertThat(MDC.get(PaymentMdc.MERCHANT_REFERENCE)).isNull();
        assertThat(exchange.getProperty(PaymentMdc.MERCHANT_REFERENCE)).isEqualTo("R-2");
    }

    @Test
    void aStepOfAnotherPaymentOnTheSameThreadGetsItsOwn() throws Exception {
        MDC.put(PaymentMdc.PROVIDER, "mypvit");
        MDC.put(PaymentMdc.MERCHANT_REFERENCE, "R-outer");
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(PaymentMdc.PROVIDER, "mypvit");
        exchange.setProperty(PaymentMdc.MERCHANT_REFERENCE, "R-3");

        Map<String, String> seen = runStep(exchange, e -> PaymentMdc.name(e, null, "R-3b"));

        assertThat(seen).containsEntry(PaymentMdc.PROVIDER, "mypvit").containsEntry(PaymentMdc.MERCHANT_REFERENCE, "R-3b");
        assertThat(MDC.get(PaymentMdc.MERCHANT_REFERENCE)).isEqualTo("R-outer");
    }

    @Test
    void withRestoresTheMdcAfterTheAction() {
        MDC.put(PaymentMdc.MERCHANT_REFERENCE, "R-outer");
        Map<String, String> seen = new HashMap<>();

        PaymentMdc.with("virtualpay", "R-4", () -> {
            seen.put(PaymentMdc.PROVIDER, MDC.get(PaymentMdc.PROVIDER));
            seen.put(PaymentMdc.MERCHANT_REFERENCE, MDC.get(PaymentMdc.MERCHANT_REFERENCE));
        });

        assertThat(seen).containsEntry(PaymentMdc.PROVIDER, "virtualpay").containsEntry(PaymentMdc.MERCHANT_REFERENCE, "R-4");
        assertThat(MDC.get(PaymentMdc.PROVIDER)).isNull();
        assertThat(MDC.get(PaymentMdc.MERCHANT_REFERENCE)).isEqualTo("R-outer");
    }
}
