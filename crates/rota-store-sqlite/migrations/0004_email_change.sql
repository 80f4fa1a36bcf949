-- A12: a token may confirm a new email address, which it carries. SQLite
-- cannot change a CHECK constraint in place: the table is made anew (no
-- other table refers to it).
CREATE TABLE account_tokens_new (
    token_hash  TEXT NOT NULL PRIMARY KEY,
    business_id BLOB NOT NULL,
    account_id  BLOB NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose IN ('password_reset', 'invitation', 'calendar_feed', 'email_change')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    new_email   TEXT,
    CHECK ((purpose = 'email_change') = (new_email IS NOT NULL)),
    FOREIGN KEY (business_id, account_id) REFERENCES accounts (business_id, id)
) STRICT;

INSERT INTO account_tokens_new (token_hash, business_id, account_id, purpose, created_at, expires_at)
    SELECT token_hash, business_id, account_id, purpose, created_at, expires_at FROM account_tokens;

DROP TABLE account_tokens;
ALTER TABLE account_tokens_new RENAME TO account_tokens;
CREATE INDEX account_tokens_account ON account_tokens (business_id, account_id, purpose);
