-- Sign-in state (A2–A4, A6). Secrets are never stored: sessions and emailed
-- tokens are kept by the SHA-256 digest of their token.
CREATE TABLE sessions (
    token_hash   text NOT NULL PRIMARY KEY,
    id           uuid NOT NULL UNIQUE,
    business_id  uuid NOT NULL,
    account_id   uuid NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    FOREIGN KEY (business_id, account_id) REFERENCES accounts (business_id, id)
);

CREATE INDEX sessions_account ON sessions (business_id, account_id);

CREATE TABLE account_tokens (
    token_hash  text NOT NULL PRIMARY KEY,
    business_id uuid NOT NULL,
    account_id  uuid NOT NULL,
    purpose     text NOT NULL CHECK (purpose IN ('password_reset', 'invitation', 'calendar_feed')),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    FOREIGN KEY (business_id, account_id) REFERENCES accounts (business_id, id)
);

CREATE INDEX account_tokens_account ON account_tokens (business_id, account_id, purpose);

CREATE TABLE sign_in_throttles (
    key             text NOT NULL PRIMARY KEY,
    failures        bigint NOT NULL,
    last_failure_at timestamptz NOT NULL,
    blocked_until   timestamptz
);
