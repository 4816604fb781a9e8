-- Reconciliation: when a PENDING payment is next asked about (status check), how often it has
-- been, and which instance holds it for a check right now (a lease, not a lock).
ALTER TABLE payment ADD COLUMN next_check_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE payment ADD COLUMN check_attempts INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE payment ADD COLUMN check_lease_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX payment_next_check_idx ON payment (next_check_at);
-- The final status an unsigned callback reported, until a status check confirms or contradicts it.
ALTER TABLE payment ADD COLUMN claimed_status VARCHAR(16);
