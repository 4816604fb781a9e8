package io.paysync.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Settings that cannot work are refused at start, naming the key. */
class PaysyncPropertiesTests {

    @Test
    void thePublicPortNeedsAtLeastOneWorkerThreadAndDefaultsToVertxsTwenty() {
        assertThatIllegalArgumentException().isThrownBy(() -> new PaysyncProperties.Http(8080, "0.0.0.0", 0))
                .withMessage("paysync.http.worker-threads must be at least 1, not 0");
        assertThat(new PaysyncProperties.Http(8080, "0.0.0.0").workerThreads()).isEqualTo(20);
        assertThat(new PaysyncProperties.Http(8080, "0.0.0.0", 1).workerThreads()).isEqualTo(1);
    }

    @Test
    void thePipelineBatchNeedsAtLeastOneCallback() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PaysyncProperties.Pipeline(2, Duration.ofSeconds(10), 10, 0))
                .withMessage("paysync.pipeline.batch-size must be at least 1, not 0");
    }
}
