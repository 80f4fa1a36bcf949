-- The transactional outbox (A8): emails written in the same transaction as
-- the change that caused them, delivered later with retries.
CREATE TABLE outbox (
    business_id     BLOB NOT NULL REFERENCES businesses (id),
    id              BLOB NOT NULL,
    recipient       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT,
    PRIMARY KEY (business_id, id)
) STRICT;

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
