-- Buffers: the time a service keeps its provider free before and after it
-- (preparation, cleanup, travel). A booking takes them from its service
-- when it is made and keeps them; B4 compares what bookings block — their
-- time with their buffers around it.
ALTER TABLE services
    ADD COLUMN buffer_before_minutes bigint NOT NULL DEFAULT 0
        CHECK (buffer_before_minutes BETWEEN 0 AND 240),
    ADD COLUMN buffer_after_minutes bigint NOT NULL DEFAULT 0
        CHECK (buffer_after_minutes BETWEEN 0 AND 240);
ALTER TABLE bookings
    ADD COLUMN buffer_before_minutes bigint NOT NULL DEFAULT 0
        CHECK (buffer_before_minutes BETWEEN 0 AND 240),
    ADD COLUMN buffer_after_minutes bigint NOT NULL DEFAULT 0
        CHECK (buffer_after_minutes BETWEEN 0 AND 240);

-- The provider rows carry what their booking blocks, so B4 stays one
-- exclusion constraint.
ALTER TABLE booking_providers
    ADD COLUMN blocked_from timestamptz,
    ADD COLUMN blocked_until timestamptz;
UPDATE booking_providers SET blocked_from = starts_at, blocked_until = ends_at;
ALTER TABLE booking_providers
    ALTER COLUMN blocked_from SET NOT NULL,
    ALTER COLUMN blocked_until SET NOT NULL,
    -- At most 240 minutes either side (a buffer's limit).
    ADD CONSTRAINT booking_providers_blocked_before
        CHECK (blocked_from <= starts_at AND blocked_from >= starts_at - interval '240 minutes'),
    ADD CONSTRAINT booking_providers_blocked_after
        CHECK (blocked_until >= ends_at AND blocked_until <= ends_at + interval '240 minutes'),
    DROP CONSTRAINT booking_providers_no_overlap,
    -- B4: no provider has two active bookings whose blocked times overlap;
    -- touching is fine.
    ADD CONSTRAINT booking_providers_no_overlap EXCLUDE USING gist (
        business_id WITH =,
        provider_id WITH =,
        tstzrange(blocked_from, blocked_until, '[)') WITH &&
    ) WHERE (active);
