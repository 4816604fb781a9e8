package io.paysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Settings that cannot work are refused at start, naming the key. */
class PaysyncPropertiesTests {

    private static PaysyncProperties.Http bindHttp(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("paysync.http", PaysyncProperties.Http.class);
    }

    @Test
    void thePublicPortNeedsAtLeastOneWorkerThreadAndDefaultsToVertxsTwenty() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PaysyncProperties.Http(8080, "0.0.0.0", 0))
                .withMessage("paysync.http.worker-threads must be at least 1, not 0");
        // bound as Spring binds it: the default when the key is absent, the setting when present
        assertThat(bindHttp(Map.of()).workerThreads()).isEqualTo(20);
        assertThat(bindHttp(Map.of("paysync.http.worker-threads", "1")).workerThreads()).isEqualTo(1);
        assertThatExceptionOfType(BindException.class)
                .isThrownBy(() -> bindHttp(Map.of("paysync.http.worker-threads", "0")))
                .withStackTraceContaining("paysync.http.worker-threads must be at least 1, not 0");
    }

    @Test
    void thePipelineBatchNeedsAtLeastOneCallback() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PaysyncProperties.Pipeline(2, Duration.ofSeconds(10), 10, 0))
                .withMessage("paysync.pipeline.batch-size must be at least 1, not 0");
    }
}
