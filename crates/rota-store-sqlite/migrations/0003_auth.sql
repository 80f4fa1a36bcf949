-- Sign-in state (A2–A4, A6). Secrets are never stored: sessions and emailed
-- tokens are kept by the SHA-256 digest of their token.
CREATE TABLE sessions (
    token_hash   TEXT NOT NULL PRIMARY KEY,
    id           BLOB NOT NULL UNIQUE,
    business_id  BLOB NOT NULL,
    account_id   BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    FOREIGN KEY (business_id, account_id) REFERENCES accounts (business_id, id)
) STRICT;

CREATE INDEX sessions_account ON sessions (business_id, account_id);

CREATE TABLE account_tokens (
    token_hash  TEXT NOT NULL PRIMARY KEY,
    business_id BLOB NOT NULL,
    account_id  BLOB NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose IN ('password_reset', 'invitation', 'calendar_feed')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    FOREIGN KEY (business_id, account_id) REFERENCES accounts (business_id, id)
) STRICT;

CREATE INDEX account_tokens_account ON account_tokens (business_id, account_id, purpose);

CREATE TABLE sign_in_throttles (
    key             TEXT NOT NULL PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    blocked_until   INTEGER
) STRICT;
