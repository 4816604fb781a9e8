package io.paysync.sandbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code paysync.sandbox.*}: how the simulators behave (sandbox mode itself is decided by
 * {@link SandboxMode}).
 *
 * @param enabled            sandbox mode (decided at start, see {@link SandboxMode})
 * @param callbackDelay      how long a simulated customer takes: callbacks follow an initiation after this
 *                           (CinetPay and EllyPay send their final notification after twice this)
 * @param callbackAttempts   deliveries of one callback at most (MyPVit: until the ack echoes; EllyPay:
 *                           until 200; VirtualPay: until 00/98; MVola: until 2xx)
 * @param retryDelay         between two deliveries of one callback
 * @param ellypayStatusDelay the simulated EllyPay refuses status checks this long after initiation
 * @param demoOnStart        run the demo payments once paysync has started
 * @param warning            set by {@link SandboxMode}: why sandbox mode is on, logged at WARN at every start
 */
@ConfigurationProperties("paysync.sandbox")
record SandboxProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("PT2S") Duration callbackDelay,
        @DefaultValue("5") int callbackAttempts,
        @DefaultValue("PT2S") Duration retryDelay,
        @DefaultValue("PT2M") Duration ellypayStatusDelay,
        @DefaultValue("true") boolean demoOnStart,
        String warning) {
}
