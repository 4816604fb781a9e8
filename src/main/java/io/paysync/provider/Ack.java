package io.paysync.provider;

/** The exact HTTP answer a provider expects for a callback it delivered. */
public record Ack(int status, String contentType, String body) {

    public static final String JSON = "application/json";

    /** A bare 200 without a body (CinetPay, EllyPay). */
    public static Ack ok() {
        return new Ack(200, null, null);
    }

    public static Ack json(String body) {
        return new Ack(200, JSON, body);
    }
}
