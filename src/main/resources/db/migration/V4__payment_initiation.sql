-- Payments initiated through POST /api/payments (CONTRACT §5): the request as paysync sent it
-- (canonical JSON, to tell a repeat from a different request under the same reference), where the
-- initiation stands (INITIATING while the provider is asked, then ACCEPTED, REFUSED or UNKNOWN), and
-- what the provider answered for the customer (payment URL, virtual account…), as JSON.
ALTER TABLE payment ADD COLUMN initiation_request TEXT;
ALTER TABLE payment ADD COLUMN initiation_state VARCHAR(16);
ALTER TABLE payment ADD COLUMN initiation_answer TEXT;
