-- When the callback or status answer that settled a payment was received, carried into its outbox
-- row so that paysync.delivery.latency measures received → delivered downstream (end to end).
-- Rows written before this column existed count from their own creation.
ALTER TABLE outbox ADD COLUMN received_at TIMESTAMP WITH TIME ZONE;
