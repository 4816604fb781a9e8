package io.paysync.support;

import java.util.Map;

/**
 * The PostgreSQL server tests run against when {@code PAYSYNC_TEST_POSTGRES_URL} is set (CI sets
 * it, and fails when the server is unreachable; a PostgreSQL test never skips silently there).
 * Each suite works in a schema of its own, emptied first.
 */
public final class Postgres {

    public static final String URL_VARIABLE = "PAYSYNC_TEST_POSTGRES_URL";

    private Postgres() {
    }

    public static String url(String schema) {
        String base = System.getenv(URL_VARIABLE);
        if (base == null || base.isBlank()) {
            throw new IllegalStateException(URL_VARIABLE + " is not set");
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Spring properties pointing paysync at a fresh schema of the test server. */
    public static Map<String, String> properties(String schema) {
        return Map.of(
                "spring.datasource.url", url(schema),
                "spring.datasource.username", user(),
                "spring.datasource.password", password(),
                "spring.flyway.schemas", schema,
                "spring.flyway.clean-disabled", "false",
                "paysync.test.clean-database", "true");
    }

    public static String user() {
        return env("PAYSYNC_TEST_POSTGRES_USER", "postgres");
    }

    public static String password() {
        return env("PAYSYNC_TEST_POSTGRES_PASSWORD", "");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
