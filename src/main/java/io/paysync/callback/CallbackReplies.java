package io.paysync.callback;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.provider.Ack;
import io.paysync.provider.CallbackMapper;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.MappedCallback;
import io.paysync.provider.Providers;
import io.paysync.provider.RawCallback;
import io.paysync.system.HttpReplies;
import io.paysync.system.Problem;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every answer a callback endpoint gives: the provider's exact acknowledgement once the callback
 * is recorded, and the refusals of the {@code callback-errors} route configuration. No stack
 * trace ever reaches a caller.
 */
@Component("callbackReplies")
class CallbackReplies {

    private static final Logger log = LoggerFactory.getLogger(CallbackReplies.class);

    private final Providers providers;
    private final CallbackInbox inbox;
    private final ObjectMapper json;
    private final CallbackOutcomes outcomes;

    CallbackReplies(Providers providers, CallbackInbox inbox, ObjectMapper json, CallbackOutcomes outcomes) {
        this.providers = providers;
        this.inbox = inbox;
        this.json = json;
        this.outcomes = outcomes;
    }

    /** The acknowledgement of a recorded callback (a repeat gets the provider's duplicate answer). */
    public void acknowledge(Exchange exchange) {
        MappedCallback mapped = exchange.getProperty(CallbackMapper.MAPPED_CALLBACK, MappedCallback.class);
        boolean duplicate = exchange.getProperty(CallbackInbox.DUPLICATE, false, Boolean.class);
        if (mapped.update() != null) {
            outcomes.recorded(provider(exchange), mapped.update(), duplicate);
        }
        reply(exchange, duplicate ? mapped.duplicateAck() : mapped.ack(), Map.of());
    }

    /** A refused callback: 4xx, recorded, nothing changed. */
    public void rejected(Exchange exchange) {
        CallbackRejectedException rejection = exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                CallbackRejectedException.class);
        RawCallback callback = exchange.getProperty(CallbackMapper.RAW_CALLBACK, RawCallback.class);
        inbox.recordRejection(callback, rejection.status(), rejection.getMessage());
        Map<String, String> headers = rejection.allow() == null ? Map.of() : Map.of("Allow", rejection.allow());
        outcomes.rejected(provider(exchange), merchantReference(exchange), rejection.reason(), rejection.status(),
                rejection.getMessage());
        refuse(exchange, rejection.status(), rejection.getMessage(), headers);
    }

    /** The callback could not be recorded (database down): 503, never a 200 for something not stored. */
    public void unavailable(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.warn("Cannot record {} callback, answering 503: {}", provider(exchange), String.valueOf(cause));
        outcomes.rejected(provider(exchange), merchantReference(exchange), "unavailable", 503,
                "the callback could not be recorded");
        refuse(exchange, 503, "the callback could not be recorded; retry later", Map.of("Retry-After", "5"));
    }

    /** A bug: logged in full here, a bare 500 for the caller. */
    public void failed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.error("Unexpected failure on a {} callback", provider(exchange), cause);
        RawCallback callback = exchange.getProperty(CallbackMapper.RAW_CALLBACK, RawCallback.class);
        inbox.recordRejection(callback, 500, "internal error: " + cause);
        outcomes.rejected(provider(exchange), merchantReference(exchange), "error", 500, "internal error");
        refuse(exchange, 500, "internal error; the callback was not accepted", Map.of());
    }

    private void refuse(Exchange exchange, int status, String detail, Map<String, String> headers) {
        String problem = problemJson(Problem.of(status, detail, exchange.getMessage().getHeader(Exchange.HTTP_PATH,
                String.class)));
        Ack ack = providers.mapper(provider(exchange))
                .map(mapper -> mapper.rejection(status, problem))
                .orElse(new Ack(status, HttpReplies.PROBLEM_JSON, problem));
        reply(exchange, ack, headers);
    }

    private static void reply(Exchange exchange, Ack ack, Map<String, String> headers) {
        HttpReplies.write(exchange, ack.status(), ack.contentType(), ack.body(), headers);
    }

    private String problemJson(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The merchant reference when the callback was read before it was refused. */
    private static String merchantReference(Exchange exchange) {
        MappedCallback mapped = exchange.getProperty(CallbackMapper.MAPPED_CALLBACK, MappedCallback.class);
        return mapped == null || mapped.update() == null ? null : mapped.update().merchantReference();
    }

    private static String provider(Exchange exchange) {
        return exchange.getProperty(CallbackRequestReader.PROVIDER, String.class);
    }
}
