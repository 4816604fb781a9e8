package io.paysync.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.paysync.provider.CallbackMapper;
import io.paysync.provider.CallbackRejectedException;
import io.paysync.provider.RawCallback;
import io.paysync.system.PaysyncProperties;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class CallbackSourceCheckTests {

    static PaysyncProperties properties(List<String> trustedProxies, Map<String, PaysyncProperties.Provider> providers) {
        return new PaysyncProperties(new PaysyncProperties.Http(8080, "0.0.0.0", 20), new PaysyncProperties.Api(null),
                new PaysyncProperties.Callbacks(DataSize.ofKilobytes(64), trustedProxies),
                new PaysyncProperties.Pipeline(2, Duration.ofSeconds(10), 10, 50),
                new PaysyncProperties.Downstream("log:x", 12, Duration.ofSeconds(1), Duration.ofMinutes(5), 100),
                providers);
    }

    static RawCallback callback(String remote, String query, Map<String, String> headers) {
        return new RawCallback("mypvit", "POST", "/callbacks/mypvit", "application/json", headers, query, Map.of(),
                "{}", 2, remote, Instant.now());
    }

    static void check(CallbackSourceCheck check, RawCallback callback) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(CallbackMapper.RAW_CALLBACK, callback);
        check.process(exchange);
    }

    static CallbackSourceCheck withToken(String token) {
        return new CallbackSourceCheck(properties(List.of(),
                Map.of("mypvit", new PaysyncProperties.Provider(true, null, token, List.of()))));
    }

    static CallbackSourceCheck withAllowList(List<String> trustedProxies, String... allowed) {
        return new CallbackSourceCheck(properties(trustedProxies,
                Map.of("mypvit", new PaysyncProperties.Provider(true, null, null, List.of(allowed)))));
    }

    static int status(Runnable call) {
        return assertThatExceptionOfType(CallbackRejectedException.class).isThrownBy(call::run).actual().status();
    }

    @Test
    void acceptsAnythingWhenNothingIsConfigured() {
        check(withToken(null), callback("203.0.113.9", null, Map.of()));
    }

    @Test
    void requiresTheConfiguredUrlToken() {
        CallbackSourceCheck check = withToken("s3cr3t-Token");

        check(check, callback("203.0.113.9", "a=1&token=s3cr3t-Token", Map.of()));
        assertThat(status(() -> check(check, callback("203.0.113.9", null, Map.of())))).isEqualTo(401);
        assertThat(status(() -> check(check, callback("203.0.113.9", "token=s3cr3t-token", Map.of())))).isEqualTo(401);
        assertThat(status(() -> check(check, callback("203.0.113.9", "token=", Map.of())))).isEqualTo(401);
        assertThat(status(() -> check(check, callback("203.0.113.9", "token=%zz", Map.of())))).isEqualTo(401);
        assertThat(status(() -> check(check, callback("203.0.113.9", "xtoken=s3cr3t-Token", Map.of())))).isEqualTo(401);
    }

    @Test
    void decodesThePercentEncodedToken() {
        check(withToken("a+b/c="), callback("203.0.113.9", "token=a%2Bb%2Fc%3D", Map.of()));
    }

    @Test
    void refusesSourcesOutsideTheAllowList() {
        CallbackSourceCheck check = withAllowList(List.of(), "203.0.113.0/24", "2001:db8::/32");

        check(check, callback("203.0.113.77", null, Map.of()));
        check(check, callback("2001:db8::1", null, Map.of()));
        assertThat(status(() -> check(check, callback("198.51.100.1", null, Map.of())))).isEqualTo(403);
        assertThat(status(() -> check(check, callback(null, null, Map.of())))).isEqualTo(403);
    }

    @Test
    void ignoresForwardedForFromUntrustedConnections() {
        CallbackSourceCheck check = withAllowList(List.of(), "203.0.113.0/24");

        assertThat(status(() -> check(check, callback("198.51.100.1", null,
                Map.of("x-forwarded-for", "203.0.113.5"))))).isEqualTo(403);
    }

    @Test
    void honoursForwardedForThroughTrustedProxiesOnly() {
        CallbackSourceCheck check = withAllowList(List.of("10.0.0.0/8"), "203.0.113.0/24");

        // client, then two trusted proxies: the nearest untrusted hop is the client
        check(check, callback("10.0.0.2", null, Map.of("x-forwarded-for", "203.0.113.5, 10.0.0.1")));
        // a spoofed allowed address to the left of an untrusted hop does not count
        assertThat(status(() -> check(check, callback("10.0.0.2", null,
                Map.of("x-forwarded-for", "203.0.113.5, 198.51.100.1"))))).isEqualTo(403);
        // garbage (a host name) in the chain: nothing can be believed
        assertThat(status(() -> check(check, callback("10.0.0.2", null,
                Map.of("x-forwarded-for", "evil.example, 10.0.0.1"))))).isEqualTo(403);
    }

    @Test
    void takesTheAddressWithoutItsPortWhenAProxyWritesOne() {
        CallbackSourceCheck check = withAllowList(List.of("10.0.0.0/8", "fd00::/8"), "203.0.113.0/24", "2001:db8::/32");

        for (String forwarded : new String[] {"203.0.113.9:1234", "[2001:db8::7]:443", "[2001:db8::7]",
                "203.0.113.9:0, 10.0.0.1:8080", "203.0.113.9:65535, [fd00::1]:80", "[::ffff:203.0.113.9]:80"}) {
            check(check, callback("10.0.0.2", null, Map.of("x-forwarded-for", forwarded)));
        }
        CallbackRejectedException outside = assertThatExceptionOfType(CallbackRejectedException.class)
                .isThrownBy(() -> check(check, callback("10.0.0.2", null,
                        Map.of("x-forwarded-for", "198.51.100.1:1234, 10.0.0.1:80"))))
                .actual();
        assertThat(outside.status()).isEqualTo(403);
        assertThat(outside.getMessage()).isEqualTo("source 198.51.100.1 is not allowed to call this endpoint");
    }

    @Test
    void refusesWhatIsNotAnIpLiteralWith403NeverAnError() {
        CallbackSourceCheck check = withAllowList(List.of("10.0.0.0/8"), "203.0.113.0/24", "2001:db8::/32");
        String[] notLiterals = {"203.0.113.9:99999", "203.0.113.9:", "203.0.113.9:12:34", "[203.0.113.9]:80",
            "[2001:db8::7", "[2001:db8::7]443", "[2001:db8::7]:http", "2001:db8::7]:443", "999.0.113.9",
            "203.0.113", "203.0.113.09", "0xcb.0.113.9", "1:2", "::ffff:999.0.113.9", ".:1", "unknown", "",
            "evil.example:80", "203.0.113.9 1234"};

        for (String forwarded : notLiterals) {
            assertThat(status(() -> check(check, callback("10.0.0.2", null, Map.of("x-forwarded-for", forwarded)))))
                    .as(forwarded).isEqualTo(403);
            // nor does a trusted hop with a port make the garbage before it count
            assertThat(status(() -> check(check, callback("10.0.0.2", null,
                    Map.of("x-forwarded-for", forwarded + ", 10.0.0.1:80"))))).as(forwarded).isEqualTo(403);
        }
        // the connection's own address is read the same way
        assertThat(status(() -> check(check, callback("203.0.113.9:1234:1", null, Map.of())))).isEqualTo(403);
        assertThat(status(() -> check(check, callback("not-an-address", null, Map.of())))).isEqualTo(403);
    }

    @Test
    void checksTheSourceBeforeTheToken() {
        CallbackSourceCheck check = new CallbackSourceCheck(properties(List.of(),
                Map.of("mypvit", new PaysyncProperties.Provider(true, null, "t", List.of("203.0.113.0/24")))));

        assertThat(status(() -> check(check, callback("198.51.100.1", "token=wrong", Map.of())))).isEqualTo(403);
        assertThat(status(() -> check(check, callback("203.0.113.1", "token=wrong", Map.of())))).isEqualTo(401);
    }

    @Test
    void failsFastOnAnInvalidAllowList() {
        assertThatIllegalStateException().isThrownBy(() -> withAllowList(List.of(), "example.com/24"))
                .withMessageContaining("paysync.providers.mypvit.allowed-ips");
        assertThatIllegalStateException().isThrownBy(() -> withAllowList(List.of("10.0.0.0/99"), "203.0.113.0/24"))
                .withMessageContaining("paysync.callbacks.trusted-proxies");
    }

    @Test
    void neverPrintsTheTokenThroughToString() {
        PaysyncProperties properties = properties(List.of(),
                Map.of("mypvit", new PaysyncProperties.Provider(true, null, "s3cr3t-Token", List.of())));

        assertThat(properties.toString()).doesNotContain("s3cr3t-Token").contains("[redacted]");
        assertThat(new PaysyncProperties.Api("api-s3cr3t").toString()).doesNotContain("api-s3cr3t");
    }
}
