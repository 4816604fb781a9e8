-- PostgreSQL only (H2 has no partial indexes: db/vendor/h2/V10 is its stand-in).
--
-- A VirtualPay callback finds its payment as the newest one initiated through the API into the
-- callback's virtual account and still open (PaymentRepository.OPEN_BY_VIRTUAL_ACCOUNT). A static
-- virtual account takes every payment of its customer, so the index of V9 on (provider,
-- virtual_account) led to all the payments ever made into the account, settled ones included, each
-- read and sorted for every callback: 6,000 payments into one account made it the statement that
-- kept PostgreSQL busiest while a burst settled.
--
-- This index holds the open payments initiated through the API only, newest last: the lookup reads
-- the few waiting in that account, newest first.
DROP INDEX payment_virtual_account_idx;
CREATE INDEX payment_open_virtual_account_idx ON payment (provider, virtual_account, id)
    WHERE virtual_account IS NOT NULL AND origin = 'API' AND status IN ('PENDING', 'UNCERTAIN');
