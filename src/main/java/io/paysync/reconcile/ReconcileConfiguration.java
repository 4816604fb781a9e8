package io.paysync.reconcile;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ReconcileConfiguration {

    static final int THREADS = 4;

    /** The threads status checks run on ({@code executorService: reconcileThreads} in reconcile.camel.yaml). */
    @Bean(destroyMethod = "shutdown")
    ExecutorService reconcileThreads() {
        return Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "paysync-status-check");
            thread.setDaemon(true);
            return thread;
        });
    }
}
