package io.paysync.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.paysync.support.H2Memory;
import io.paysync.system.InsertsAtCommit;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A payment's history keeps the order its entries were appended in, also when the pipeline's
 * entries wait for the commit ({@link PaymentRepository#appendHistoryAtCommit}) and another is
 * appended in place in the same transaction, or read back before the commit. H2, real migrations.
 */
class PaymentHistoryOrderTests {

    private final SimpleDriverDataSource dataSource = H2Memory.migrated("history-order");
    private final NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(dataSource);
    private final PaymentRepository payments;
    private final TransactionTemplate transaction;
    private final Instant now = Instant.parse("2026-11-21T12:00:00Z");

    PaymentHistoryOrderTests() {
        payments = new PaymentRepository(jdbc, new InsertsAtCommit(jdbc));
        transaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        payments.insertIfAbsent(new PaymentRepository.NewPayment("mypvit", "ORDER1", "ORDER1", null, null, null,
                null, Set.of(), Source.CALLBACK, now), now);
    }

    @Test
    void entriesKeepTheirOrderWhenDeferredAndInPlaceAppendsMixInOneTransaction() {
        long id = payments.find("mypvit", "ORDER1").orElseThrow().id();

        List<String> seenBeforeCommit = transaction.execute(status -> {
            payments.appendHistoryAtCommit(id, List.of(entry("first, at commit")));
            payments.appendHistory(id, List.of(entry("second, in place")));
            payments.appendHistoryAtCommit(id, List.of(entry("third, at commit")));
            return details(payments.history(id));
        });

        assertThat(seenBeforeCommit).containsExactly("first, at commit", "second, in place", "third, at commit");
        assertThat(details(payments.history(id)))
                .containsExactly("first, at commit", "second, in place", "third, at commit");
    }

    private HistoryEntry entry(String detail) {
        return new HistoryEntry(PaymentStatus.PENDING, Source.CALLBACK, now, detail);
    }

    private static List<String> details(List<HistoryEntry> history) {
        return history.stream().map(HistoryEntry::detail).toList();
    }
}
