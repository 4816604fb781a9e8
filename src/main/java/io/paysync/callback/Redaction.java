package io.paysync.callback;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secret values out of what is recorded: header and query parameter values whose names
 * look like credentials or signatures are replaced, the names are kept (they say what was sent).
 * Masks payer phone numbers (MSISDNs) in what is logged: see {@link #msisdns(String)}.
 */
public final class Redaction {

    static final String REDACTED = "[redacted]";
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(token|signature|secret|password|authorization|cookie|api-?key|x-secret).*");

    /**
     * A phone number of the providers' markets, standing alone (not part of a longer word or
     * number, nor of a dash-separated id such as a UUID or a date):
     * international, optionally with {@code +}: a country code 22x–26x (Gabon 241, Madagascar 261,
     * Uganda 256, Nigeria 234, CinetPay's West and Central Africa 221–237…) and 7–10 more digits;
     * national: {@code 0}, a non-zero digit and 7–9 more digits (Gabon 0[67]xxxxxxx, Madagascar
     * 034xxxxxxx, Uganda 07xxxxxxxx, Nigeria 080xxxxxxxx).
     */
    private static final Pattern MSISDN = Pattern.compile(
            "(?<![\\w+-])(\\+?)(2[2-6]\\d{8,11}|0[1-9]\\d{7,9})(?![\\w-])");
    /** The fewest digits {@link #MSISDN} matches in a row (national: {@code 0}, a non-zero digit, 7 more). */
    private static final int MIN_DIGITS = 9;
    private static final int KEEP_FIRST = 3;
    private static final int KEEP_LAST = 2;

    private Redaction() {
    }

    /**
     * The text with every phone number masked, keeping its first three and last two digits and
     * its length: {@code 0770000001} becomes {@code 077*****01}, {@code +256700000001}
     * {@code +256*******01}. A reference that looks exactly like a phone number is masked too.
     */
    public static String msisdns(String text) {
        if (text == null) {
            return null;
        }
        // every log line passes here: most hold no run of digits long enough to be a phone number,
        // and a scan for one costs far less than the pattern's search (its look-behind at each position)
        if (!hasDigitRun(text)) {
            return text;
        }
        Matcher matcher = MSISDN.matcher(text);
        if (!matcher.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        do {
            String digits = matcher.group(2);
            matcher.appendReplacement(out, "");
            out.append(matcher.group(1))
                    .append(digits, 0, KEEP_FIRST)
                    .append("*".repeat(digits.length() - KEEP_FIRST - KEEP_LAST))
                    .append(digits, digits.length() - KEEP_LAST, digits.length());
        } while (matcher.find());
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean hasDigitRun(String text) {
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            run = c >= '0' && c <= '9' ? run + 1 : 0;
            if (run == MIN_DIGITS) {
                return true;
            }
        }
        return false;
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
