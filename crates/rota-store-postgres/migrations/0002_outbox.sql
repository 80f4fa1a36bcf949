-- The transactional outbox (A8): emails written in the same transaction as
-- the change that caused them, delivered later with retries.
CREATE TABLE outbox (
    business_id     uuid NOT NULL REFERENCES businesses (id),
    id              uuid NOT NULL,
    recipient       text NOT NULL,
    kind            text NOT NULL,
    payload         text NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        bigint NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz,
    last_error      text,
    PRIMARY KEY (business_id, id)
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
