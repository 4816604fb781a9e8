package io.paysync.callback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.paysync.provider.CallbackMapper;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.Providers;
import io.paysync.provider.RawCallback;
import io.paysync.system.PaysyncProperties;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.springframework.stereotype.Component;

/**
 * First step of every callback route: reads the request into a {@link RawCallback} and refuses
 * what the provider would never send — another method (405), another content type (415), a
 * body over {@code paysync.callbacks.max-body-size} (413).
 *
 * <p>The route names its provider in the exchange property {@value #PROVIDER}.
 */
@Component("callbackRequestReader")
class CallbackRequestReader implements Processor {

    static final String PROVIDER = "provider";

    private final Providers providers;
    private final long maxBodySize;
    private final Clock clock;

    CallbackRequestReader(Providers providers, PaysyncProperties properties, Clock clock) {
        this.providers = providers;
        this.maxBodySize = properties.callbacks().maxBodySize().toBytes();
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        String provider = exchange.getProperty(PROVIDER, String.class);
        CallbackMapper mapper = providers.require(provider);
        RawCallback callback = read(exchange, provider);
        exchange.setProperty(CallbackMapper.RAW_CALLBACK, callback);
        if (!mapper.methods().contains(callback.method())) {
            throw CallbackRejectedException.methodNotAllowed(callback.method(),
                    String.join(", ", mapper.methods().stream().sorted().toList()));
        }
        if (callback.bodySize() > maxBodySize) {
            throw new CallbackRejectedException(413, "body of " + callback.bodySize() + " bytes is over the limit of "
                    + maxBodySize + " bytes");
        }
        boolean carriesBody = !"GET".equals(callback.method());
        if (carriesBody && !mediaType(callback.contentType()).equals(mapper.mediaType())) {
            throw new CallbackRejectedException(415, "content type "
                    + (callback.contentType() == null ? "(none)" : "'" + callback.contentType() + "'")
                    + " is not accepted here; use " + mapper.mediaType());
        }
    }

    private RawCallback read(Exchange exchange, String provider) {
        Message message = exchange.getMessage();
        Map<String, String> headers = new LinkedHashMap<>();
        String method;
        String query;
        String remote;
        if (message instanceof HttpMessage http) {
            HttpServerRequest request = http.getRequest();
            request.headers().names().forEach(name -> headers.put(name.toLowerCase(Locale.ROOT),
                    String.join(", ", request.headers().getAll(name))));
            method = request.method().name();
            query = request.query();
            SocketAddress address = request.remoteAddress();
            remote = address == null ? null : address.hostAddress();
        } else {
            message.getHeaders().forEach((name, value) -> {
                if (!name.startsWith("Camel")) {
                    headers.put(name.toLowerCase(Locale.ROOT), String.valueOf(value));
                }
            });
            method = message.getHeader(Exchange.HTTP_METHOD, "POST", String.class);
            query = message.getHeader(Exchange.HTTP_QUERY, String.class);
            SocketAddress address = message.getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS, SocketAddress.class);
            remote = address == null ? null : address.hostAddress();
        }
        Object body = message.getBody();
        Map<String, List<String>> form = Map.of();
        String text;
        long size;
        if (body instanceof Map<?, ?> fields) {
            // form-urlencoded: Vert.x has decoded it once (UTF-8); the record keeps it re-encoded
            form = formFields(fields);
            text = encode(form);
            size = declaredLength(headers.get("content-length"), text.length());
        } else {
            byte[] bytes = body == null ? new byte[0] : bytes(message, body);
            size = bytes == null ? 0 : bytes.length;
            text = size == 0 ? null : new String(bytes, StandardCharsets.UTF_8);
        }
        return new RawCallback(provider, method, message.getHeader(Exchange.HTTP_PATH, String.class),
                headers.get("content-type"), headers, query, form, text, size, remote, clock.instant());
    }

    /**
     * The body's bytes. With Camel's stream caching (on by default) the request body arrives as a
     * {@link StreamCache}: it is copied out whole, from its start, sized by its length, and left readable
     * from its start for whoever reads it next — not through the type converters' InputStream path, which
     * allocated an 8 KB and a 4 KB buffer for every callback (intake's allocation per callback fell from
     * 45.8 to 35.6 KB without it, bench/results/2026-11-22.md, run 15).
     */
    static byte[] bytes(Message message, Object body) {
        if (body instanceof StreamCache cache) {
            // bodies are bounded before Camel sees them (CallbackGate's body-size guard)
            ByteArrayOutputStream copy = new ByteArrayOutputStream((int) Math.max(cache.length(), 0));
            try {
                cache.reset();
                cache.writeTo(copy);
                cache.reset();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the cached request body", e);
            }
            return copy.toByteArray();
        }
        return message.getBody(byte[].class);
    }

    private static Map<String, List<String>> formFields(Map<?, ?> fields) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            List<String> values = new ArrayList<>();
            if (value instanceof Iterable<?> many) {
                many.forEach(v -> values.add(String.valueOf(v)));
            } else {
                values.add(value == null ? "" : String.valueOf(value));
            }
            form.put(String.valueOf(name), values);
        });
        return form;
    }

    private static String encode(Map<String, List<String>> form) {
        return form.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)))
                .collect(Collectors.joining("&"));
    }

    private static long declaredLength(String header, long fallback) {
        try {
            return header == null ? fallback : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The media type of a Content-Type header, lower case, without parameters. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
