package io.paysync.payment;

import java.util.Map;

import org.slf4j.MDC;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work that must wait for the current transaction to commit (and never happen if it rolls back):
 * counting a settlement, handing a payment to the reconciliation. Runs at once outside a
 * transaction. The action runs with the log context (MDC) of the moment it was registered: one
 * pipeline transaction holds several callbacks, and what it does after the commit for one of them
 * logs with that callback's route, breadcrumb and payment, not with whatever the thread holds then.
 */
final class AfterCommit {

    private AfterCommit() {
    }

    static void run(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        Map<String, String> context = MDC.getCopyOfContextMap();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                Map<String, String> current = MDC.getCopyOfContextMap();
                try {
                    setContext(context);
                    action.run();
                } finally {
                    setContext(current);
                }
            }
        });
    }

    private static void setContext(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }
}
