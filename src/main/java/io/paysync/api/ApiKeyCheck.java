package io.paysync.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import io.paysync.system.PaysyncProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code check-api-key}: every merchant API call needs {@code X-Api-Key: <paysync.api.key>},
 * compared in constant time. Without a configured key a random one is generated at start and
 * logged once, so the API is never open by accident.
 */
@Component("apiKeyCheck")
class ApiKeyCheck implements Processor {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyCheck.class);
    static final String HEADER = "X-Api-Key";

    private final byte[] key;

    ApiKeyCheck(PaysyncProperties properties) {
        String configured = properties.api().key();
        if (configured == null || configured.isBlank()) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            configured = HexFormat.of().formatHex(random);
            log.warn("paysync.api.key is not set; generated for this run: {}", configured);
        }
        this.key = configured.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void process(Exchange exchange) {
        String given = exchange.getMessage().getHeader(HEADER, String.class);
        if (given == null || given.isEmpty()) {
            throw new ApiProblemException(401, "missing header " + HEADER);
        }
        if (!MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiProblemException(401, "invalid " + HEADER);
        }
    }
}
