package io.paysync.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paysync.downstream.DeadLetters;
import io.paysync.downstream.Outbox;
import io.paysync.system.Problem.FieldError;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The dead-letter calls (CONTRACT §6), on the public port with the merchant API key: list the
 * downstream events parked as DEAD, and put one or all of them back for delivery.
 *
 * <p>Like {@link PaymentApi}, path and query values are read from the request itself.
 */
@Component("deadLetterApi")
class DeadLetterApi {

    static final String BASE = "/api/dead-letters";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final int MAX_REPLAY = 1000;

    private final DeadLetters deadLetters;
    private final ApiReplies replies;
    private final ObjectMapper json;

    DeadLetterApi(DeadLetters deadLetters, ApiReplies replies, ObjectMapper json) {
        this.deadLetters = deadLetters;
        this.replies = replies;
        this.json = json;
    }

    /** {@code GET /api/dead-letters?limit=&after=}: newest first. */
    public void list(Exchange exchange) {
        Map<String, String> query = PaymentApi.query(exchange);
        List<FieldError> errors = new ArrayList<>();
        Long limit = PaymentApi.whole("limit", query.get("limit"), 1, MAX_LIMIT, errors);
        Long after = PaymentApi.whole("after", query.get("after"), 1, Long.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw ApiProblemException.invalid(errors);
        }
        int size = limit == null ? DEFAULT_LIMIT : limit.intValue();
        List<Outbox.Letter> page = deadLetters.list(after, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().map(this::item).toList());
        body.put("limit", size);
        body.put("next", page.size() == size ? String.valueOf(page.get(page.size() - 1).id()) : null);
        replies.json(exchange, 200, body, Map.of());
    }

    /** {@code POST /api/dead-letters/{id}/replay}: 202 with the row, now PENDING. */
    public void replay(Exchange exchange) {
        long id = pathId(exchange);
        Outbox.Letter letter;
        try {
            letter = deadLetters.replay(id).orElseThrow(() -> new ApiProblemException(404, "no dead letter " + id));
        } catch (DeadLetters.NotDeadException e) {
            throw new ApiProblemException(409, e.getMessage());
        }
        replies.json(exchange, 202, item(letter), Map.of());
    }

    /** {@code POST /api/dead-letters/replay?limit=}: every dead letter, up to limit (default 1000). */
    public void replayAll(Exchange exchange) {
        List<FieldError> errors = new ArrayList<>();
        Long limit = PaymentApi.whole("limit", PaymentApi.query(exchange).get("limit"), 1, MAX_REPLAY, errors);
        if (!errors.isEmpty()) {
            throw ApiProblemException.invalid(errors);
        }
        int replayed = deadLetters.replayAll(limit == null ? MAX_REPLAY : limit.intValue());
        replies.json(exchange, 202, Map.of("replayed", replayed), Map.of());
    }

    public void methodNotAllowed(Exchange exchange) {
        throw new ApiProblemException(405, "method " + exchange.getMessage().getHeader(Exchange.HTTP_METHOD)
                + " is not supported here");
    }

    /** {id} of {@code /api/dead-letters/{id}/replay}; an id that cannot exist is not found, as an unknown one. */
    private static long pathId(Exchange exchange) {
        String path = PaymentApi.rawPath(exchange);
        String suffix = "/replay";
        boolean shaped = path.startsWith(BASE + "/") && path.endsWith(suffix)
                && path.length() > BASE.length() + 1 + suffix.length();
        String id = shaped ? path.substring(BASE.length() + 1, path.length() - suffix.length()) : "";
        if (id.isEmpty() || id.length() > 18 || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ApiProblemException(404, "no dead letter with this id; ids are whole numbers");
        }
        return Long.parseLong(id);
    }

    private Map<String, Object> item(Outbox.Letter letter) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", letter.id());
        item.put("eventId", letter.eventId());
        item.put("target", letter.target());
        item.put("status", letter.status());
        item.put("attempts", letter.attempts());
        item.put("lastError", letter.lastError());
        item.put("createdAt", letter.createdAt().toString());
        item.put("payment", payment(letter.payload()));
        return item;
    }

    private Object payment(String payload) {
        try {
            return json.readTree(payload);
        } catch (JacksonException e) {
            // stored by paysync itself, so always JSON; shown as text rather than failing the page
            return payload;
        }
    }
}
