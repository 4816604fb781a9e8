package io.paysync.provider;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 as lowercase hex, for the providers that sign with it: EllyPay's gen-2 callback
 * signature and its API's request signature, CinetPay's x-token. One {@link Mac} per thread, keyed
 * again on every call: {@code Mac.getInstance} looks the algorithm up among the security providers
 * each time, which was 3 % of the intake threads' CPU in a flight recording of the benchmark.
 */
public final class HmacSha256 {

    private static final String ALGORITHM = "HmacSHA256";

    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    });

    private HmacSha256() {
    }

    /** Lowercase hex HMAC-SHA256 of {@code data} (UTF-8) keyed with {@code key} (UTF-8). */
    public static String hex(String key, String data) {
        Mac mac = MAC.get();
        try {
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " refused the key", e);
        }
        return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }
}
