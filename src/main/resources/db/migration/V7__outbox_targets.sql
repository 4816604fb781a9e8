-- Several downstream targets (paysync.downstream.targets): one outbox row per event and target, each
-- delivered, retried and dead-lettered on its own. Rows written before this migration belong to the
-- single target of paysync.downstream.uri, named 'default'.
ALTER TABLE outbox ADD COLUMN target VARCHAR(100) DEFAULT 'default' NOT NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_event_unique;
ALTER TABLE outbox ADD CONSTRAINT outbox_event_target_unique UNIQUE (event_id, target);
