-- What a message is about, when it may be withdrawn before it is sent: a
-- booking's reminders are replaced when it moves and removed when it is
-- cancelled.
ALTER TABLE outbox ADD COLUMN topic TEXT;

CREATE INDEX outbox_by_topic ON outbox (business_id, topic) WHERE topic IS NOT NULL AND sent_at IS NULL;
