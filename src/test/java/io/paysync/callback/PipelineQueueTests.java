package io.paysync.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The pipeline's queue notes the hand-offs it refuses when full, for one catch-up at a time. */
class PipelineQueueTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PipelineQueue factory = new PipelineQueue(registry);
    private final DefaultCamelContext camel = new DefaultCamelContext();

    private Exchange handOff(long inboxId) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(inboxId);
        return exchange;
    }

    private double refusedCount() {
        return registry.get("paysync.pipeline.handoffs.refused").counter().count();
    }

    @Test
    void aFullQueueRefusesAHandOffAndNotesTheLowestInboxIdRefused() throws Exception {
        BlockingQueue<Exchange> queue = factory.create(2);
        assertThat(queue.offer(handOff(10))).isTrue();
        assertThat(queue.offer(handOff(11), 0, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(factory.startCatchUp()).as("nothing refused yet").isEqualTo(PipelineQueue.NONE);

        // seda's discardWhenFull offers with a timeout; other callers may offer without
        assertThat(queue.offer(handOff(13), 0, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(queue.offer(handOff(12))).isFalse();
        assertThat(queue).hasSize(2);
        assertThat(refusedCount()).isEqualTo(2);

        assertThat(factory.startCatchUp()).isEqualTo(12);
    }

    @Test
    void oneCatchUpAtATimeAndItEndsWithTheFirstIdNotTaken() {
        BlockingQueue<Exchange> queue = factory.create(1);
        queue.offer(handOff(1));
        queue.offer(handOff(7));
        queue.offer(handOff(9));

        assertThat(factory.startCatchUp()).isEqualTo(7);
        assertThat(factory.startCatchUp()).as("another worker, while the first catches up").isEqualTo(PipelineQueue.NONE);
        factory.endCatchUp(8);
        assertThat(factory.startCatchUp()).as("the next catch-up goes on from the first not taken").isEqualTo(8);
        factory.endCatchUp(PipelineQueue.NONE);
        assertThat(factory.startCatchUp()).as("all taken").isEqualTo(PipelineQueue.NONE);
    }

    @Test
    void aHandOffRefusedDuringACatchUpIsKeptForTheNext() {
        BlockingQueue<Exchange> queue = factory.create(1);
        queue.offer(handOff(1));
        queue.offer(handOff(20));

        assertThat(factory.startCatchUp()).isEqualTo(20);
        // committed before the catch-up's read, handed off after it
        queue.offer(handOff(15));
        factory.endCatchUp(PipelineQueue.NONE);

        assertThat(factory.startCatchUp()).isEqualTo(15);
    }

    @Test
    void whenTheInboxCannotBeReadTheBatchGoesOnAndTheCatchUpWaitsForTheNextWorker() throws Exception {
        camel.getRegistry().bind("pipelineQueue", factory);
        camel.start();
        try {
            SedaEndpoint seda = camel.getEndpoint("seda:pipeline?size=1&queueFactory=#pipelineQueue",
                    SedaEndpoint.class);
            seda.getQueue().offer(handOff(1));
            seda.getQueue().offer(handOff(2));
            // a database that cannot be reached (H2 refuses to create it)
            DriverManagerDataSource unreachable = new DriverManagerDataSource("jdbc:h2:mem:missing;IFEXISTS=TRUE");
            CallbackInbox inbox = InboxBelowSpring.on(unreachable, Clock.systemUTC(), factory);
            Exchange taken = seda.getQueue().poll();
            taken.getExchangeExtension().setFromEndpoint(seda);

            inbox.takeWaiting(taken);

            assertThat(taken.getProperty(CallbackInbox.INBOX_IDS, List.class)).containsExactly(1L);
            assertThat(factory.startCatchUp()).as("still the first refused").isEqualTo(2);
        } finally {
            camel.stop();
        }
    }

    @Test
    void anUnboundedQueueNeverRefuses() {
        BlockingQueue<Exchange> queue = factory.create();
        for (long id = 1; id <= 1000; id++) {
            assertThat(queue.offer(handOff(id))).isTrue();
        }
        assertThat(factory.startCatchUp()).isEqualTo(PipelineQueue.NONE);
        assertThat(refusedCount()).isZero();
    }
}
