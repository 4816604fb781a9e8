-- A provider's API secret, shared by every paysync instance on this database. MyPVit's X-Secret
-- (PROVIDERS.md §1.1) is made obsolete by each renewal, so instances that renewed on their own
-- would keep revoking each other's secret; they renew it once, under a lock on this row, and the
-- others read it from here. Short-lived (about an hour); never logged.
CREATE TABLE provider_secret (
    provider   VARCHAR(32) PRIMARY KEY,
    secret     VARCHAR(1000),
    expires_at TIMESTAMP WITH TIME ZONE,
    renewed_at TIMESTAMP WITH TIME ZONE
);
