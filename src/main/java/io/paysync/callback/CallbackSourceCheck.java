package io.paysync.callback;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.paysync.provider.CallbackMapper;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.RawCallback;
import io.paysync.system.PaysyncProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * {@code check-source}: who may call a callback endpoint (CONTRACT §2).
 * <ul>
 * <li>{@code paysync.providers.<p>.allowed-ips} (CIDR list): other sources get 403. The source is
 * the connection's address; {@code X-Forwarded-For} is honoured only when the connection comes
 * from {@code paysync.callbacks.trusted-proxies}, and then the nearest address that is not a
 * trusted proxy counts.</li>
 * <li>{@code paysync.providers.<p>.callback-token}: a callback without {@code ?token=<that value>}
 * (compared in constant time) gets 401.</li>
 * </ul>
 * For the providers that sign nothing (MyPVit, MVola, VirtualPay) these are the only proof of
 * origin until a status check confirms the outcome.
 *
 * <p>Addresses are IP literals only, read without any name lookup. A proxy may write a hop of
 * X-Forwarded-For with its port ({@code 203.0.113.9:1234}, {@code [2001:db8::1]:443}): the address
 * without the port counts. Anything else (a host name, {@code unknown}, a malformed literal) makes
 * the source unknown, which no allow-list allows: 403, never an error.
 */
@Component("callbackSourceCheck")
class CallbackSourceCheck implements Processor {

    /** Dotted-quad IPv4, each part 0–255 in decimal (no octal or shortened forms). */
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    /**
     * The characters of an IPv6 literal, starting as {@link InetAddress} reads one as a literal (a hex
     * digit or a colon), so that it never takes it for a host name to look up.
     */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern PORT = Pattern.compile(":[0-9]{1,5}");

    private final PaysyncProperties properties;
    private final List<IpAddressMatcher> trustedProxies;
    private final Map<String, List<IpAddressMatcher>> allowedIps = new ConcurrentHashMap<>();

    CallbackSourceCheck(PaysyncProperties properties) {
        this.properties = properties;
        this.trustedProxies = matchers("paysync.callbacks.trusted-proxies", properties.callbacks().trustedProxies());
        properties.providers().forEach((provider, settings) -> allowedIps.put(provider,
                matchers("paysync.providers." + provider + ".allowed-ips", settings.allowedIps())));
    }

    @Override
    public void process(Exchange exchange) {
        RawCallback callback = exchange.getProperty(CallbackMapper.RAW_CALLBACK, RawCallback.class);
        PaysyncProperties.Provider settings = properties.provider(callback.provider());
        List<IpAddressMatcher> allowed = allowedIps.getOrDefault(callback.provider(), List.of());
        if (!allowed.isEmpty()) {
            InetAddress source = source(callback);
            if (source == null || !matches(allowed, source)) {
                throw new CallbackRejectedException(403, "source " + (source == null ? "(unknown)"
                        : source.getHostAddress()) + " is not allowed to call this endpoint");
            }
        }
        String token = settings.callbackToken();
        if (token != null && !token.isEmpty()) {
            String given = queryParameter(callback.query(), "token");
            if (given == null) {
                throw CallbackRejectedException.badToken("missing token in the callback URL");
            }
            if (!MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
                throw CallbackRejectedException.badToken("invalid token in the callback URL");
            }
        }
    }

    /** The address the callback came from, through trusted proxies only; null when it cannot be told. */
    InetAddress source(RawCallback callback) {
        InetAddress remote = address(callback.remoteAddress());
        String forwarded = callback.header("x-forwarded-for");
        if (remote == null || forwarded == null || !matches(trustedProxies, remote)) {
            return remote;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            InetAddress hop = address(hops[i]);
            if (hop == null) {
                return null; // garbage in the chain: nothing before it can be believed
            }
            if (!matches(trustedProxies, hop)) {
                return hop;
            }
        }
        return remote;
    }

    private static boolean matches(List<IpAddressMatcher> ranges, InetAddress address) {
        String literal = address.getHostAddress();
        return ranges.stream().anyMatch(range -> range.matches(literal));
    }

    /**
     * The address of an X-Forwarded-For hop or a connection: an IP literal ({@link #literal}), an
     * IPv4 one with a port, or a bracketed IPv6 one with or without a port; null for anything else.
     */
    static InetAddress address(String hop) {
        if (hop == null) {
            return null;
        }
        String text = hop.strip();
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close < text.length() - 1 && !port(text.substring(close + 1)))) {
                return null;
            }
            String inside = text.substring(1, close);
            return inside.contains(":") ? literal(inside) : null;
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && colon == text.lastIndexOf(':')) {
            // one colon: IPv4 and a port (an IPv6 literal has at least two)
            return port(text.substring(colon)) ? ipv4(text.substring(0, colon)) : null;
        }
        return literal(text);
    }

    /**
     * An IPv4 (dotted quad) or IPv6 literal, its IPv6 zone ({@code %eth0}) left out; null for anything
     * else. Never a name lookup: InetAddress reads a string of these characters as a literal or fails.
     */
    static InetAddress literal(String text) {
        InetAddress ipv4 = ipv4(text);
        if (ipv4 != null) {
            return ipv4;
        }
        int zone = text.indexOf('%');
        String ipv6 = zone < 0 ? text : text.substring(0, zone);
        if (!IPV6.matcher(ipv6).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(ipv6);
        } catch (UnknownHostException e) {
            return null; // not a valid IPv6 literal
        }
    }

    /** {@code :<port>}, 0–65535. */
    private static boolean port(String text) {
        return PORT.matcher(text).matches() && Integer.parseInt(text.substring(1)) <= 65_535;
    }

    private static InetAddress ipv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return null;
        }
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static List<IpAddressMatcher> matchers(String property, List<String> cidrs) {
        return cidrs.stream().map(String::trim).filter(c -> !c.isEmpty()).map(cidr -> {
            String address = cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
            if (literal(address) == null) {
                throw new IllegalStateException(property + ": '" + cidr + "' is not an IP address or CIDR range");
            }
            try {
                return new IpAddressMatcher(cidr);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(property + ": '" + cidr + "' is not a valid CIDR range", e);
            }
        }).toList();
    }

    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                String value = pair.substring(eq + 1);
                try {
                    return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return value; // compared as sent: it cannot match a configured token
                }
            }
        }
        return null;
    }
}
