package io.paysync.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.paysync.provider.ellypay.EllypaySignatureVerifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Decides at start whether paysync runs in sandbox mode (CONTRACT §8) and, when it does, points every
 * provider at its in-process simulator.
 *
 * <p>The rule: {@code paysync.sandbox.enabled}, when set, is obeyed; when it is not set, sandbox mode
 * is on only if no provider setting that a real deployment needs (credentials, keys, base URLs) is
 * configured. So a production configuration never falls into sandbox mode by accident, and the
 * default run (no configuration at all) shows the whole loop.
 *
 * <p>When on, a property source that <em>outranks every other</em> sets the providers' base URLs
 * ({@code http://127.0.0.1:<public port>/sandbox/<provider>}), the sandbox credentials and keys, and
 * the public base URL. Outranking matters when sandbox mode is forced while real credentials are
 * configured: the real credentials are then never sent anywhere, and no sandbox payment reaches a
 * real provider. When off, nothing is changed but {@code paysync.sandbox.enabled=false}, which the
 * sandbox routes' precondition and beans read.
 */
class SandboxMode implements EnvironmentPostProcessor, Ordered {

    static final String ENABLED = "paysync.sandbox.enabled";
    static final String SOURCE = "paysyncSandbox";
    /** The WARN of this start (see {@link Decision#warning()}), logged by {@link SandboxDemo}. */
    static final String WARNING = "paysync.sandbox.warning";
    static final String PROVIDERS = "paysync.providers.";
    static final List<String> PROVIDER_NAMES = List.of("mypvit", "cinetpay", "ellypay", "virtualpay", "mvola");

    /** Settings only a real deployment has: any of them configured keeps sandbox mode off. */
    static final List<String> REAL_SETTINGS = List.of(
            "mypvit.base-url", "mypvit.account-code", "mypvit.password",
            "cinetpay.base-url", "cinetpay.apikey", "cinetpay.site-id", "cinetpay.secret-key",
            "ellypay.base-url", "ellypay.public-key", "ellypay.signing-key", "ellypay.api-key", "ellypay.secret-key",
            "ellypay.pin",
            "virtualpay.base-url", "virtualpay.merchant-id", "virtualpay.api-key",
            "mvola.base-url", "mvola.consumer-key", "mvola.consumer-secret");

    /** The merchant API key of a sandbox run when none is configured (announced in the start WARN). */
    static final String SANDBOX_API_KEY = "sandbox";

    /** Whether sandbox mode is on, and why. */
    record Decision(boolean enabled, boolean forced, List<String> realSettings) {

        /** The WARN logged at every start while sandbox mode is on; null when off. */
        String warning() {
            if (!enabled) {
                return null;
            }
            String why = forced ? "paysync.sandbox.enabled=true is set"
                    + (realSettings.isEmpty() ? "" : "; these configured provider settings are IGNORED: "
                            + String.join(", ", realSettings))
                    : "no provider credentials are configured";
            return "SANDBOX MODE (" + why + "): every provider is an in-process simulator under /sandbox/<provider>"
                    + " on the public port, no real payment is made, no real provider is called."
                    + " Never run like this in production: configure the provider credentials"
                    + " (or set paysync.sandbox.enabled=false).";
        }
    }

    /**
     * @param explicit     the value of {@code paysync.sandbox.enabled} when set, else null
     * @param realSettings the provider settings of {@link #REAL_SETTINGS} that are configured
     */
    static Decision decide(String explicit, List<String> realSettings) {
        if (explicit != null && !explicit.isBlank()) {
            boolean on = Boolean.parseBoolean(explicit.strip());
            return new Decision(on, on, List.copyOf(realSettings));
        }
        return new Decision(realSettings.isEmpty(), false, List.copyOf(realSettings));
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        List<String> configured = new ArrayList<>();
        for (String setting : REAL_SETTINGS) {
            String value = environment.getProperty(PROVIDERS + setting);
            if (value != null && !value.isBlank()) {
                configured.add(PROVIDERS + setting);
            }
        }
        Decision decision = decide(environment.getProperty(ENABLED), configured);
        if (!decision.enabled()) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(ENABLED, "false")));
            return;
        }
        int port = environment.getProperty("paysync.http.port", Integer.class, 8080);
        if (port == 0) {
            // the provider base URLs name the public port before it is bound: fix it now
            port = freePort(environment.getProperty("paysync.http.host", "127.0.0.1"));
        }
        String apiKey = environment.getProperty("paysync.api.key");
        Map<String, Object> settings = settings(port, apiKey == null || apiKey.isBlank() ? SANDBOX_API_KEY : apiKey);
        settings.put(WARNING, decision.warning());
        environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, settings));
    }

    /** The settings sandbox mode imposes: paysync's real clients talk to the simulators. */
    static Map<String, Object> settings(int port, String apiKey) {
        String local = "http://127.0.0.1:" + port;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(ENABLED, "true");
        settings.put("paysync.http.port", String.valueOf(port));
        settings.put("paysync.public-base-url", local);
        settings.put("paysync.api.key", apiKey);
        for (String provider : PROVIDER_NAMES) {
            settings.put(PROVIDERS + provider + ".base-url", local + "/sandbox/" + provider);
        }
        SandboxCredentials.ALL.forEach((name, value) -> settings.put(PROVIDERS + name, value));
        settings.put(PROVIDERS + "ellypay.public-key", EllypaySignatureVerifier.pem(SandboxCredentials.ellypayKeys().getPublic()));
        return settings;
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("sandbox mode: no free port for the public HTTP server", e);
        }
    }

    /** After the configuration files are read (ConfigDataEnvironmentPostProcessor). */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
