package io.paysync.system;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Writes the HTTP answer of a platform-http exchange. platform-http copies message headers into
 * the response, request headers included (signatures, API keys): every header is dropped first
 * so that only what is set here goes out.
 */
public final class HttpReplies {

    public static final String PROBLEM_JSON = "application/problem+json";

    private HttpReplies() {
    }

    public static void write(Exchange exchange, int status, String contentType, String body) {
        write(exchange, status, contentType, body, Map.of());
    }

    public static void write(Exchange exchange, int status, String contentType, String body, Map<String, String> headers) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (contentType != null) {
            message.setHeader(Exchange.CONTENT_TYPE, contentType);
        }
        headers.forEach(message::setHeader);
        message.setBody(body == null ? "" : body);
    }
}
