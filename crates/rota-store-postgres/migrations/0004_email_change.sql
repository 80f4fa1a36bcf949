-- A12: a token may confirm a new email address, which it carries.
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
    CHECK (purpose IN ('password_reset', 'invitation', 'calendar_feed', 'email_change'));
ALTER TABLE account_tokens ADD COLUMN new_email text;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_new_email_check
    CHECK ((purpose = 'email_change') = (new_email IS NOT NULL));
