-- Two-way calendar sync (issue 19): a provider's linked CalDAV calendar,
-- its password sealed with the server's key, and the busy times last read
-- from it (which availability subtracts).
CREATE TABLE calendar_links (
    business_id     uuid NOT NULL,
    provider_id     uuid NOT NULL,
    url             TEXT NOT NULL,
    username        TEXT NOT NULL,
    sealed_password TEXT NOT NULL,
    linked_at       timestamptz NOT NULL,
    busy_read_at    timestamptz,
    last_error      TEXT,
    PRIMARY KEY (business_id, provider_id),
    FOREIGN KEY (business_id, provider_id) REFERENCES accounts (business_id, id)
);

CREATE TABLE calendar_busy (
    business_id uuid NOT NULL,
    provider_id uuid NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
    FOREIGN KEY (business_id, provider_id) REFERENCES calendar_links (business_id, provider_id)
);

CREATE INDEX calendar_busy_by_provider ON calendar_busy (business_id, provider_id, starts_at);
