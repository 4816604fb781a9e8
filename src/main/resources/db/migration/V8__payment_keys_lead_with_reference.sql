-- The payment's unique keys lead with the reference, not the provider: a lookup by merchant
-- reference could otherwise be planned on the match-key index (or the other way round), both
-- starting with the provider, and walk every payment of that provider. PostgreSQL did exactly that
-- on a fresh database, before its first statistics (see db/vendor/postgresql/V9). The reference
-- alone is nearly unique, so it is also the better first column.
ALTER TABLE payment DROP CONSTRAINT payment_reference_unique;
ALTER TABLE payment ADD CONSTRAINT payment_reference_unique UNIQUE (merchant_reference, provider);
ALTER TABLE payment DROP CONSTRAINT payment_match_key_unique;
ALTER TABLE payment ADD CONSTRAINT payment_match_key_unique UNIQUE (match_key, provider);
