-- H2 only (PostgreSQL has its partial index, db/vendor/postgresql/V10).
--
-- A VirtualPay callback finds its payment as the newest open one initiated through the API into
-- the callback's virtual account (PaymentRepository.OPEN_BY_VIRTUAL_ACCOUNT, one lookup per open
-- status). V1's index on (provider, virtual_account) led to every payment ever made into a static
-- account, settled ones included, for every callback; with the status in the index each lookup
-- reads only the account's payments in that status, newest first.
DROP INDEX payment_virtual_account_idx;
CREATE INDEX payment_virtual_account_idx ON payment (provider, virtual_account, status, id);
