-- scripts/bench.sh case (g): what paysync writes for one settled MyPVit callback, as pgbench runs it
-- (one callback per script, -M prepared, 50 clients), on a database migrated like paysync's.
--   1. the inbox row, committed before the acknowledgement (InboxWriter; paysync commits a group);
--   2. one transaction, as the pipeline's (paysync's takes a batch): the inbox claim, the payment
--      lookup under lock (none yet), the new payment, the idempotent key of its final outcome, its
--      history row and its outbox row;
--   3. the delivery mark, its own commit (Outbox.delivered).
-- The downstream lease (one statement per batch of 100 in paysync) is left out. No ':' may be
-- followed by a letter inside a literal: pgbench would take it for a variable.
\set r random(1, 9000000000000000)
INSERT INTO callback_inbox (provider, received_at, remote_address, method, query, headers, body, outcome, http_status, reason, state, payment_update) VALUES ('mypvit', now(), '127.0.0.1', 'POST', NULL, '{"content-type":"application/json","user-agent":"wrk","host":"127.0.0.1:18080"}', '{"transactionId":"PAY' || CAST(:r AS bigint) || '","merchantReferenceId":"R' || CAST(:r AS bigint) || '","status":"SUCCESS","amount":500,"customerID":"077000001","fees":10,"chargeOwner":"MERCHANT","transactionOperation":"DEBIT","operator":"AIRTEL_MONEY","code":200}', 'ACCEPTED', 200, NULL, 'RECEIVED', '{"provider":"mypvit","status":"SUCCESS","source":"CALLBACK","match":"MERCHANT_REFERENCE","merchantReference":"R' || CAST(:r AS bigint) || '","providerReference":"PAY' || CAST(:r AS bigint) || '","amount":500,"currency":"XAF","fees":10,"payer":"077000001","operator":"AIRTEL_MONEY","flags":[]}') RETURNING id AS inbox_id \gset
BEGIN;
UPDATE callback_inbox SET state = 'PROCESSED', processed_at = now() WHERE id IN (:inbox_id) AND state = 'RECEIVED' RETURNING id, payment_update, received_at;
SELECT id, provider, merchant_reference, provider_reference, status, amount, currency, fees, payer, operator, status_reason, flags, virtual_account, customer_id, origin, created_at, updated_at, finalized_at FROM payment WHERE provider = 'mypvit' AND match_key = 'R' || CAST(:r AS bigint) FOR UPDATE;
INSERT INTO payment (provider, merchant_reference, match_key, provider_reference, status, amount, currency, fees, payer, operator, status_reason, flags, virtual_account, customer_id, origin, created_at, updated_at, finalized_at, next_check_at, claimed_status) VALUES ('mypvit', 'R' || CAST(:r AS bigint), 'R' || CAST(:r AS bigint), 'PAY' || CAST(:r AS bigint), 'SUCCESS', 500, 'XAF', 10, '077000001', 'AIRTEL_MONEY', NULL, '', NULL, NULL, 'CALLBACK', now(), now(), now(), NULL, NULL) ON CONFLICT DO NOTHING RETURNING id AS payment_id \gset
INSERT INTO idempotent_key (repository, message_id, created_at) VALUES ('paysync-final-outcome', 'mypvit' || chr(58) || 'R' || CAST(:r AS bigint), now()) ON CONFLICT DO NOTHING;
INSERT INTO payment_history (payment_id, status, source, at, detail) VALUES (:payment_id, 'SUCCESS', 'CALLBACK', now(), 'first seen');
INSERT INTO outbox (event_id, target, payment_id, payload, status, attempts, next_attempt_at, created_at, received_at) VALUES ('mypvit' || chr(58) || 'R' || CAST(:r AS bigint) || chr(58) || 'SUCCESS', 'default', :payment_id, '{"provider":"mypvit","merchantReference":"R' || CAST(:r AS bigint) || '","providerReference":"PAY' || CAST(:r AS bigint) || '","status":"SUCCESS","amount":500,"currency":"XAF","fees":10,"payer":"077000001","operator":"AIRTEL_MONEY","statusReason": null,"flags":[],"createdAt":"2026-11-22T10.00.00Z","updatedAt":"2026-11-22T10.00.00Z","finalizedAt":"2026-11-22T10.00.00Z","eventId":"mypvit-R-SUCCESS","type":"payment.finalized"}', 'PENDING', 0, now(), now(), now()) ON CONFLICT DO NOTHING RETURNING id AS outbox_id \gset
COMMIT;
UPDATE outbox SET status = 'DELIVERED', delivered_at = now(), attempts = attempts + 1, lease_until = NULL, last_error = NULL WHERE id = :outbox_id AND status = 'PENDING';
