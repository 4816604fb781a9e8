-- PostgreSQL only (H2 has no partial indexes; it keeps the indexes of V1): indexes that cannot be
-- taken for the wrong query.
--
-- A fresh database has no statistics until autovacuum first analyses it (a minute or more), and a
-- plan the JDBC driver prepares in that time is kept by its connection. With no statistics, an
-- index that matched one condition of a query looked as good to the planner as one that matched
-- all of them: the pipeline's lookup by match key walked payment_virtual_account_idx over every
-- payment of the provider, and the claim of an inbox row by id (… AND state = 'RECEIVED') walked
-- callback_inbox_state_idx over every unprocessed callback, each slower with every row added (a
-- burst of 20,000 callbacks: 1.1 and 1.8 ms per statement on average, against 0.05 ms by key). The
-- outbox lease by id had the same choice (outbox_due_idx). V8 did the same for the unique keys.
--
-- A partial index holds only the rows its queries look for: a query that does not ask for those
-- rows cannot use it, and it stays small.

-- found by provider reference (MVola) or virtual account (VirtualPay): only rows that have one
DROP INDEX payment_provider_reference_idx;
CREATE INDEX payment_provider_reference_idx ON payment (provider, provider_reference)
    WHERE provider_reference IS NOT NULL;
DROP INDEX payment_virtual_account_idx;
CREATE INDEX payment_virtual_account_idx ON payment (provider, virtual_account)
    WHERE virtual_account IS NOT NULL;

-- the recovery's walk over callbacks not processed yet, in id order
DROP INDEX callback_inbox_state_idx;
CREATE INDEX callback_inbox_received_idx ON callback_inbox (id) WHERE state = 'RECEIVED';

-- the downstream claim of due events in id order; dead letters for the API and the gauge
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE status = 'PENDING';
CREATE INDEX outbox_dead_idx ON outbox (id) WHERE status = 'DEAD';
