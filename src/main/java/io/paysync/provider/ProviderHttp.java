package io.paysync.provider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The HTTP and JSON plumbing every {@link StatusClient} needs, so that a provider package only says
 * what is its own: authentication, the request, the reading of the answer.
 *
 * <p>One instance per client: an {@link HttpClient} that connects within {@link #CONNECT_TIMEOUT},
 * never follows redirects and speaks HTTP/1.1; the provider's base URL, normalised; and the timeout
 * one call may take, response body included ({@code paysync.providers.<p>.timeout}). An answer over
 * {@link #MAX_ANSWER_BYTES} is refused, and answers are parsed with the callbacks' limits
 * ({@link CallbackFields#parse(String)}).
 *
 * <p>Anything that gives no answer to rely on is a {@link NoAnswer}, whose message is the
 * {@link StatusClient.StatusAnswer.Unavailable} reason: short, without secrets or bodies.
 */
public final class ProviderHttp {

    /** How long establishing a connection may take; the configured timeout covers the whole call. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Status and token answers are a few hundred bytes; anything beyond this is not one. */
    public static final int MAX_ANSWER_BYTES = 64 * 1024;

    /** Provider codes and messages are quoted in reasons only when they look like codes. */
    private static final Pattern CODE_LIKE = Pattern.compile("[A-Za-z0-9_.\\- ]{1,64}");

    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param baseUrl the provider's base URL as configured (may be null or blank)
     * @param timeout how long one call may take, response body included
     */
    public ProviderHttp(String baseUrl, Duration timeout) {
        this.baseUrl = normalised(baseUrl);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The base URL without surrounding blanks and trailing slashes, or null when it is not configured. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * {@code baseUrl + pathAndQuery} (already encoded) when it is an http(s) URI.
     *
     * @param invalid the reason when it is not (names the settings at fault)
     */
    public URI uri(String pathAndQuery, String invalid) throws NoAnswer {
        try {
            URI uri = URI.create(baseUrl + pathAndQuery);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("not http(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new NoAnswer(invalid, NoAnswer.Delivery.NOT_SENT);
        }
    }

    /**
     * A JSON POST of {@code body} to {@code baseUrl + pathAndQuery}, within the timeout; headers of
     * the provider's own (authentication…) are added by the caller.
     */
    public HttpRequest.Builder postJson(String pathAndQuery, String invalid, JsonNode body) throws NoAnswer {
        return HttpRequest.newBuilder(uri(pathAndQuery, invalid))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    /**
     * Sends {@code request} and waits for the whole answer at most the timeout, body included (the
     * request's own timeout only covers the response headers); a failure is worded by {@code wording}.
     */
    public Response send(HttpRequest request, Wording wording) throws NoAnswer {
        CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, bounded());
        HttpResponse<String> response;
        try {
            response = sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw new NoAnswer(wording.timedOut(timeout), NoAnswer.Delivery.TIMED_OUT);
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw new NoAnswer(wording.interrupted());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpConnectTimeoutException) {
                throw new NoAnswer(wording.timedOut(timeout), NoAnswer.Delivery.NOT_SENT);
            }
            if (e.getCause() instanceof HttpTimeoutException) {
                throw new NoAnswer(wording.timedOut(timeout), NoAnswer.Delivery.TIMED_OUT);
            }
            throw new NoAnswer(wording.failed(e.getCause()), e.getCause() instanceof ConnectException
                    ? NoAnswer.Delivery.NOT_SENT : NoAnswer.Delivery.UNKNOWN);
        }
        if (response.body() == null) {
            throw new NoAnswer(wording.tooLarge(MAX_ANSWER_BYTES));
        }
        return new Response(response.statusCode(), response.body());
    }

    /** The body as text, or null when it is larger than {@link #MAX_ANSWER_BYTES}. */
    private static HttpResponse.BodyHandler<String> bounded() {
        return info -> {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            AtomicBoolean tooLarge = new AtomicBoolean();
            return HttpResponse.BodySubscribers.mapping(
                    HttpResponse.BodySubscribers.ofByteArrayConsumer(chunk -> chunk.ifPresent(bytes -> {
                        if (tooLarge.get() || received.size() + bytes.length > MAX_ANSWER_BYTES) {
                            tooLarge.set(true);
                        } else {
                            received.write(bytes, 0, bytes.length);
                        }
                    })),
                    done -> tooLarge.get() ? null : received.toString(StandardCharsets.UTF_8));
        };
    }

    // --- reading answers ---

    /**
     * An answer as a JSON object, read with the callbacks' limits; refused as a callback would be
     * (empty, malformed JSON, not an object), the message saying why.
     */
    public static JsonNode object(String body) {
        return CallbackFields.object(body);
    }

    /** An answer as a JSON object, or null when it is empty, malformed or not an object. */
    public static JsonNode objectOrNull(String body) {
        try {
            return CallbackFields.object(body);
        } catch (CallbackRejectedException e) {
            return null;
        }
    }

    // --- wording reasons ---

    /** True when {@code value} looks like a provider code or short message, fit to quote in a reason. */
    public static boolean codeLike(String value) {
        return value != null && CODE_LIKE.matcher(value).matches();
    }

    /** A provider code or message for a reason: as sent when {@link #codeLike}, otherwise a placeholder. */
    public static String quoted(String value) {
        if (value == null) {
            return "(none)";
        }
        return codeLike(value) ? value : "(unreadable)";
    }

    /** Provider text for a reason: control characters blanked, at most 80 characters. */
    public static String shortened(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", " ").strip();
        return printable.length() <= 80 ? printable : printable.substring(0, 80) + "…";
    }

    /** The names of the {@code settings} that are not configured (null or blank), in order. */
    public static List<String> unset(Setting... settings) {
        List<String> unset = new ArrayList<>();
        for (Setting setting : settings) {
            if (setting.value() == null || setting.value().isBlank()) {
                unset.add(setting.name());
            }
        }
        return unset;
    }

    private static String normalised(String baseUrl) {
        return baseUrl == null || baseUrl.isBlank() ? null : baseUrl.strip().replaceAll("/+$", "");
    }

    /** A setting a client needs: its full property name and its value. */
    public record Setting(String name, String value) {

        @Override
        public String toString() {
            return name; // the value may be a secret
        }
    }

    /** A provider's answer: HTTP status and body, never larger than {@link #MAX_ANSWER_BYTES}. */
    public record Response(int status, String body) {

        public boolean is2xx() {
            return status / 100 == 2;
        }
    }

    /**
     * How a transport failure reads in a reason. Two wordings exist, as the clients had them before
     * this class; operators and tests know both.
     */
    public interface Wording {

        String timedOut(Duration timeout);

        String failed(Throwable cause);

        String interrupted();

        String tooLarge(int maxBytes);

        /**
         * "{to} did not answer within PT10S", "cannot connect to {to}", "I/O error talking to {to}: …",
         * "{to} answered more than 65536 bytes".
         */
        static Wording talkingTo(String to) {
            return new Wording() {
                @Override
                public String timedOut(Duration timeout) {
                    return to + " did not answer within " + timeout;
                }

                @Override
                public String failed(Throwable cause) {
                    if (cause instanceof ConnectException) {
                        return "cannot connect to " + to;
                    }
                    if (cause instanceof IOException) {
                        return "I/O error talking to " + to + ": " + cause.getClass().getSimpleName();
                    }
                    return "error talking to " + to + ": " + cause.getClass().getSimpleName();
                }

                @Override
                public String interrupted() {
                    return "interrupted";
                }

                @Override
                public String tooLarge(int maxBytes) {
                    return to + " answered more than " + maxBytes + " bytes";
                }
            };
        }

        /**
         * "[{subject} ]timed out after 10000 ms", "{call} failed: …", "[{subject} ]interrupted",
         * "{call} answered more than 65536 bytes".
         *
         * @param subject what timed out, or null when the reason need not say
         * @param call    the call, as named in other failures
         */
        static Wording calling(String subject, String call) {
            String prefix = subject == null ? "" : subject + " ";
            return new Wording() {
                @Override
                public String timedOut(Duration timeout) {
                    return prefix + "timed out after " + timeout.toMillis() + " ms";
                }

                @Override
                public String failed(Throwable cause) {
                    return call + " failed: " + cause.getClass().getSimpleName();
                }

                @Override
                public String interrupted() {
                    return prefix + "interrupted";
                }

                @Override
                public String tooLarge(int maxBytes) {
                    return call + " answered more than " + maxBytes + " bytes";
                }
            };
        }
    }

    /**
     * No answer to rely on; the message is the reason (short, without secrets or bodies). Its
     * {@link Delivery} says whether the provider may have received the request, which matters to a
     * call that changes something there (initiation), not to a status check.
     */
    public static final class NoAnswer extends Exception {

        /** Whether the request may have reached the provider. */
        public enum Delivery {
            /** Certainly not: no connection was made (refused, connect timeout, invalid URL). */
            NOT_SENT,
            /** Sent, but no answer came within the timeout. */
            TIMED_OUT,
            /** Sent, or perhaps sent: the answer was lost, broken or unreadable. */
            UNKNOWN
        }

        private final Delivery delivery;

        public NoAnswer(String reason) {
            this(reason, Delivery.UNKNOWN);
        }

        public NoAnswer(String reason, Delivery delivery) {
            super(reason, null, false, false);
            this.delivery = delivery;
        }

        public Delivery delivery() {
            return delivery;
        }
    }
}
