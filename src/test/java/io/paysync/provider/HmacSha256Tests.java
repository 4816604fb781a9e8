package io.paysync.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/**
 * HMAC-SHA256 hex with one Mac per thread: RFC 4231's vector, every call keyed with its own key
 * (nothing left over from the previous call on the thread), and the same answers from many threads at once.
 */
class HmacSha256Tests {

    /** RFC 4231, test case 2. */
    private static final String RFC_4231_CASE_2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    @Test
    void matchesRfc4231() {
        assertThat(HmacSha256.hex("Jefe", "what do ya want for nothing?")).isEqualTo(RFC_4231_CASE_2);
    }

    @Test
    void eachCallUsesItsOwnKey() {
        String jefe = HmacSha256.hex("Jefe", "what do ya want for nothing?");
        String other = HmacSha256.hex("another key", "what do ya want for nothing?");
        String jefeAgain = HmacSha256.hex("Jefe", "what do ya want for nothing?");

        assertThat(other).isNotEqualTo(jefe);
        assertThat(jefeAgain).isEqualTo(RFC_4231_CASE_2);
    }

    @Test
    void threadsDoNotShareAMac() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String key = "key-" + t;
                String expected = HmacSha256.hex(key, "payload");
                tasks.add(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        if (!HmacSha256.hex(key, "payload").equals(expected)) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
