package io.paysync.callback;

import java.net.URLDecoder;
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
 */
@Component("callbackSourceCheck")
class CallbackSourceCheck implements Processor {

    /** IP literals only: a host name in X-Forwarded-For must never cause a DNS lookup. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

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
            String source = source(callback);
            if (source == null || allowed.stream().noneMatch(m -> m.matches(source))) {
                throw new CallbackRejectedException(403, "source " + (source == null ? "(unknown)" : source)
                        + " is not allowed to call this endpoint");
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

    /** The address the callback came from, through trusted proxies only. */
    String source(RawCallback callback) {
        String remote = callback.remoteAddress();
        String forwarded = callback.header("x-forwarded-for");
        if (remote == null || forwarded == null || !trusted(remote)) {
            return remote;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!IP_LITERAL.matcher(hop).matches()) {
                return null; // garbage in the chain: nothing before it can be believed
            }
            if (!trusted(hop)) {
                return hop;
            }
        }
        return remote;
    }

    private boolean trusted(String address) {
        return IP_LITERAL.matcher(address).matches() && trustedProxies.stream().anyMatch(m -> m.matches(address));
    }

    private static List<IpAddressMatcher> matchers(String property, List<String> cidrs) {
        return cidrs.stream().map(String::trim).filter(c -> !c.isEmpty()).map(cidr -> {
            String address = cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr;
            if (!IP_LITERAL.matcher(address).matches()) {
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
