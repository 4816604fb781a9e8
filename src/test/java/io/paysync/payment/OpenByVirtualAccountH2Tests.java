package io.paysync.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.paysync.support.H2Memory;
import io.paysync.system.InsertsAtCommit;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * VirtualPay's lookup of the open payment of a virtual account on H2 (db/vendor/h2/V10): a static
 * account takes every payment of its customer, and the lookup must not read the settled ones.
 */
class OpenByVirtualAccountH2Tests {

    private static final int SETTLED = 4_000;
    private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

    private final SimpleDriverDataSource dataSource = H2Memory.migrated("open-by-virtual-account");
    private final JdbcTemplate sql = new JdbcTemplate(dataSource);
    private final NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(dataSource);
    private final PaymentRepository payments = new PaymentRepository(jdbc, new InsertsAtCommit(jdbc));

    /** A VirtualPay payment into the static account: id, status, origin. */
    private void payment(long id, String status, String origin) {
        sql.update("""
                INSERT INTO payment (id, provider, merchant_reference, match_key, status, origin, virtual_account,
                    created_at, updated_at)
                VALUES (?, 'virtualpay', ?, ?, ?, ?, 'VA-STATIC', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""",
                id, "REF" + id, "REF" + id, status, origin);
    }

    private void settled(long fromId, int count) {
        sql.update("""
                INSERT INTO payment (id, provider, merchant_reference, match_key, status, origin, virtual_account,
                    created_at, updated_at)
                SELECT "X", 'virtualpay', 'REF' || "X", 'REF' || "X", 'SUCCESS', 'API', 'VA-STATIC',
                    CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM SYSTEM_RANGE(?, ?)""", fromId, fromId + count - 1);
    }

    @Test
    void findsTheNewestOpenPaymentInitiatedThroughTheApi() {
        settled(1, 100);
        payment(200, "PENDING", "API");
        payment(300, "UNCERTAIN", "API");
        payment(400, "PENDING", "CALLBACK");
        payment(500, "SUCCESS", "API");
        assertThat(payments.lockOpenByVirtualAccount("virtualpay", "VA-STATIC")).map(Payment::id).contains(300L);

        payment(600, "PENDING", "API");
        assertThat(payments.lockOpenByVirtualAccount("virtualpay", "VA-STATIC")).map(Payment::id).contains(600L);
        assertThat(payments.lockOpenByVirtualAccount("virtualpay", "VA-OTHER")).isEmpty();
        assertThat(payments.lockOpenByVirtualAccount("mvola", "VA-STATIC")).isEmpty();
    }

    @Test
    void noneOpen() {
        settled(1, 100);
        payment(200, "PENDING", "CALLBACK");
        assertThat(payments.lockOpenByVirtualAccount("virtualpay", "VA-STATIC")).isEmpty();
    }

    @Test
    void theSettledPaymentsOfAStaticAccountAreNotRead() {
        settled(1, SETTLED);
        payment(SETTLED + 1, "PENDING", "API");
        settled(SETTLED + 2, 10);

        String plan = sql.queryForObject("EXPLAIN ANALYZE " + PaymentRepository.OPEN_BY_VIRTUAL_ACCOUNT
                .replace(":provider", "'virtualpay'").replace(":account", "'VA-STATIC'"), String.class);

        List<Integer> scans = new ArrayList<>();
        Matcher scan = SCAN_COUNT.matcher(plan);
        while (scan.find()) {
            scans.add(Integer.parseInt(scan.group(1)));
        }
        assertThat(scans).as("rows read by each lookup among %d settled payments; plan: %s", SETTLED, plan)
                .isNotEmpty().allMatch(count -> count <= 5);
        assertThat(payments.lockOpenByVirtualAccount("virtualpay", "VA-STATIC")).map(Payment::id)
                .contains(SETTLED + 1L);
    }
}
