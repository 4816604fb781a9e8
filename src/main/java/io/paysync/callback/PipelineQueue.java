package io.paysync.callback;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.BlockingQueueFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The queue of {@code seda:payment-pipeline} (its endpoints name this bean as their
 * {@code queueFactory}), holding inbox ids for the pipeline. Intake hands a callback over without
 * waiting; when a burst outruns the pipeline and the queue is full, the hand-off is refused and the
 * callback waits in the inbox, RECEIVED. The queue notes the lowest inbox id it refused, so that
 * the pipeline takes those callbacks from the inbox as soon as it has worked through its queue
 * ({@link CallbackInbox#takeWaiting}), rather than when the recovery route finds them
 * ({@code paysync.pipeline.recovery-after}, 10 s and more). The recovery route still finds any the
 * pipeline does not take (paysync stopped or crashed in between).
 *
 * <p>One catch-up at a time: a pipeline worker that finds its queue empty {@link #startCatchUp starts}
 * one, reads the refused callbacks from the inbox and {@link #endCatchUp ends} it with the first id it
 * did not take; refusals meanwhile are kept.
 */
@Component("pipelineQueue")
public class PipelineQueue implements BlockingQueueFactory<Exchange> {

    private static final Logger log = LoggerFactory.getLogger(PipelineQueue.class);

    /** No refused callback waits. */
    static final long NONE = Long.MAX_VALUE;

    private final Counter refusedCounter;
    // guarded by this
    private long refusedFrom = NONE;
    private long refusedSince = NONE;
    private boolean catchingUp;

    PipelineQueue(MeterRegistry registry) {
        this.refusedCounter = Counter.builder("paysync.pipeline.handoffs.refused")
                .description("Hand-offs to the pipeline refused because its queue was full: the callbacks"
                        + " wait in the inbox, taken from there once the pipeline has worked through its queue")
                .register(registry);
    }

    @Override
    public BlockingQueue<Exchange> create() {
        return create(Integer.MAX_VALUE);
    }

    @Override
    public BlockingQueue<Exchange> create(int capacity) {
        return new Queue(capacity);
    }

    /** A hand-off the queue was full for. */
    void refused(Exchange handOff) {
        Long id = handOff.getMessage().getBody(Long.class);
        if (id == null) {
            return;
        }
        refusedCounter.increment();
        boolean first;
        synchronized (this) {
            first = refusedFrom == NONE;
            refusedFrom = Math.min(refusedFrom, id);
            refusedSince = Math.min(refusedSince, id);
        }
        if (first) {
            log.warn("The pipeline's queue is full: callback {} and those after it wait in the inbox, and the"
                    + " pipeline takes them from there once it has worked through its queue", id);
        }
    }

    /**
     * Starts a catch-up: the lowest inbox id refused and not taken since, or {@link #NONE} when there
     * is none or another catch-up is under way. Each start is followed by {@link #endCatchUp}.
     */
    synchronized long startCatchUp() {
        if (catchingUp || refusedFrom == NONE) {
            return NONE;
        }
        catchingUp = true;
        refusedSince = NONE;
        return refusedFrom;
    }

    /**
     * Ends the catch-up: those refused before {@code next} were taken ({@link #NONE}: all of them),
     * except any refused since it started.
     */
    void endCatchUp(long next) {
        boolean done;
        synchronized (this) {
            refusedFrom = Math.min(next, refusedSince);
            catchingUp = false;
            done = refusedFrom == NONE;
        }
        if (done) {
            log.info("The pipeline has taken every callback its queue refused");
        }
    }

    /** LinkedBlockingQueue that tells its factory of every hand-off refused for want of room. */
    private final class Queue extends LinkedBlockingQueue<Exchange> {

        private static final long serialVersionUID = 1L;

        Queue(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(Exchange exchange) {
            boolean taken = super.offer(exchange);
            if (!taken) {
                refused(exchange);
            }
            return taken;
        }

        @Override
        public boolean offer(Exchange exchange, long timeout, TimeUnit unit) throws InterruptedException {
            boolean taken = super.offer(exchange, timeout, unit);
            if (!taken) {
                refused(exchange);
            }
            return taken;
        }
    }
}
