package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The log lines paysync writes (CONTRACT §6): one INFO line per callback and per settlement with
 * their fields, the payment and Camel's keys in the MDC, and payer MSISDNs masked in all output.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogsTests extends PaysyncHttpTestSupport {

    /** Events with their MDC taken on the logging thread. */
    static final class Captured extends AppenderBase<ILoggingEvent> {
        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            events.add(event);
        }

        /** The one event whose message contains every part (waits for it). */
        ILoggingEvent awaitOne(String... parts) {
            await().atMost(SETTLED).until(() -> find(parts).size() == 1);
            return find(parts).get(0);
        }

        List<ILoggingEvent> find(String... parts) {
            return events.stream().filter(e -> List.of(parts).stream().allMatch(e.getFormattedMessage()::contains))
                    .toList();
        }
    }

    static final List<String> LOGGERS = List.of("io.paysync.callback.CallbackOutcomes", "io.paysync.payment.Settlements");

    @Autowired
    ProducerTemplate producer;

    Captured captured = new Captured();

    @BeforeEach
    void capture() {
        captured.start();
        LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).addAppender(captured));
    }

    @AfterEach
    void release() {
        LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).detachAppender(captured));
    }

    @Test
    void oneInfoLinePerCallbackOutcomeAndPerSettlementWithThePaymentAndCamelInTheMdc(CapturedOutput output)
            throws Exception {
        String ref = unique("LOG");
        String vp = unique("LOV");
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200"));
        http.json("POST", "/callbacks/virtualpay", virtualpay(vp, "1444624445", "Complete"));
        http.json("POST", "/callbacks/virtualpay", virtualpay(vp, "1444624445", "Complete"));
        http.json("POST", "/callbacks/ellypay", ellypayGen2(unique("LOR"), "transaction.completed", "COMPLETED"));

        ILoggingEvent accepted = captured.awaitOne("merchantReference=" + ref + " providerReference=PAY" + ref
                + " outcome=accepted status=SUCCESS");
        assertThat(accepted.getLevel().toString()).isEqualTo("INFO");
        assertThat(accepted.getFormattedMessage()).startsWith("Callback provider=mypvit ");
        assertThat(accepted.getMDCPropertyMap())
                .containsEntry("provider", "mypvit")
                .containsEntry("merchantReference", ref)
                .containsEntry("camel.routeId", "callback-intake")
                .containsKeys("camel.exchangeId", "camel.breadcrumbId");
        assertThat(captured.awaitOne("Callback provider=virtualpay ", vp, " outcome=accepted").getMDCPropertyMap())
                .containsEntry("provider", "virtualpay");
        assertThat(captured.awaitOne("Callback provider=virtualpay ", vp, " outcome=duplicate").getLevel().toString())
                .isEqualTo("INFO");
        // refused before it was read: no reference yet
        assertThat(captured.awaitOne("Callback provider=ellypay merchantReference=- outcome=rejected reason=signature"
                + " httpStatus=401").getMDCPropertyMap())
                .containsEntry("provider", "ellypay").containsEntry("camel.routeId", "callback-ellypay");

        ILoggingEvent settled = captured.awaitOne("Payment settled provider=mypvit merchantReference=" + ref
                + " status=SUCCESS");
        assertThat(settled.getLevel().toString()).isEqualTo("INFO");
        Map<String, String> mdc = settled.getMDCPropertyMap();
        assertThat(mdc).containsEntry("provider", "mypvit").containsEntry("merchantReference", ref)
                .containsEntry("camel.routeId", "payment-pipeline-apply")
                // the breadcrumb follows the callback from its HTTP request into the pipeline
                .containsEntry("camel.breadcrumbId", accepted.getMDCPropertyMap().get("camel.breadcrumbId"));
        assertThat(captured.find(ref)).hasSize(2); // one line for the callback, one for the settlement

        // the console pattern shows the MDC: route, breadcrumb, provider, merchant reference
        assertThat(output.getOut()).contains("[payment-pipeline-apply " + mdc.get("camel.breadcrumbId") + " mypvit "
                + ref + "] io.paysync.payment.Settlements");
    }

    @Test
    void payerMsisdnsNeverReachTheOutputUnmasked(CapturedOutput output) throws Exception {
        String ref = unique("MSISDN");
        // MyPVit customerID 077000001 (Gabon), MVola debitParty 0343500003 (Madagascar),
        // EllyPay transaction_account 256700000001 (Uganda)
        http.json("POST", "/callbacks/mypvit", mypvit("PAY" + ref, ref, "SUCCESS", "200"));
        http.json("PUT", "/callbacks/mvola", mvola("MV" + ref, "completed"));
        ellypay(ellypayGen2(ref, "transaction.completed", "COMPLETED"));
        awaitPayment("mypvit", ref, "SUCCESS");
        // the default downstream (log:paysync.payments) writes the whole event, payer included
        producer.sendBody("log:paysync.payments", "{\"merchantReference\":\"" + ref
                + "\",\"payer\":\"077000001\",\"other\":\"+2348031234567\",\"also\":\"0343500003\"}");
        LoggerFactory.getLogger(LogsTests.class).warn("payer 256700000001 failed",
                new IllegalStateException("cannot reach 256700000001", new RuntimeException("cause 0803123456")));

        await().atMost(SETTLED).until(() -> output.getOut().contains("\"payer\":\"077****01\""));
        assertThat(output.getOut())
                .contains("\"other\":\"+234********67\"", "\"also\":\"034*****03\"", "payer 256*******01 failed",
                        "cannot reach 256*******01", "cause 080*****56")
                .doesNotContain("077000001", "0343500003", "256700000001", "2348031234567", "0803123456");
        // references and ids are left alone
        assertThat(output.getOut()).contains("merchantReference=" + ref, "\"merchantReference\":\"" + ref + "\"");
    }
}
