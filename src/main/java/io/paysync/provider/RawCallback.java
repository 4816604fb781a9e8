package io.paysync.provider;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request to a callback endpoint, as received.
 *
 * @param headers HTTP headers, names in lower case, repeated values joined with ", "
 * @param query   the raw query string, or null
 * @param form    the decoded form fields when the body was {@code application/x-www-form-urlencoded}
 *                (decoded once, UTF-8), otherwise empty
 * @param body    the body as UTF-8 text (for a form: its fields encoded again), or null when empty
 */
public record RawCallback(
        String provider,
        String method,
        String path,
        String contentType,
        Map<String, String> headers,
        String query,
        Map<String, List<String>> form,
        String body,
        long bodySize,
        String remoteAddress,
        Instant receivedAt) {

    public RawCallback {
        headers = Map.copyOf(headers);
        form = Map.copyOf(form);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public boolean hasBody() {
        return bodySize > 0;
    }
}
