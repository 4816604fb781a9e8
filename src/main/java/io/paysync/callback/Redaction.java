package io.paysync.callback;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps secret values out of what is recorded: header and query parameter values whose names
 * look like credentials or signatures are replaced, the names are kept (they say what was sent).
 */
final class Redaction {

    static final String REDACTED = "[redacted]";
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(token|signature|secret|password|authorization|cookie|api-?key|x-secret).*");

    private Redaction() {
    }

    static boolean isSecret(String name) {
        return SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    static Map<String, String> headers(Map<String, String> headers) {
        Map<String, String> redacted = new LinkedHashMap<>();
        headers.forEach((name, value) -> redacted.put(name, isSecret(name) ? REDACTED : value));
        return redacted;
    }

    /** The query string with secret parameter values replaced (the rest kept as sent). */
    static String query(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i];
            if (i > 0) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            out.append(eq >= 0 && isSecret(name) ? name + "=" + REDACTED : pair);
        }
        return out.toString();
    }
}
