-- Buffers: the time a service keeps its provider free before and after it
-- (preparation, cleanup, travel). A booking takes them from its service
-- when it is made and keeps them; B4 compares what bookings block — their
-- time with their buffers around it.
ALTER TABLE services ADD COLUMN buffer_before_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (buffer_before_minutes BETWEEN 0 AND 240);
ALTER TABLE services ADD COLUMN buffer_after_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (buffer_after_minutes BETWEEN 0 AND 240);
ALTER TABLE bookings ADD COLUMN buffer_before_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (buffer_before_minutes BETWEEN 0 AND 240);
ALTER TABLE bookings ADD COLUMN buffer_after_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (buffer_after_minutes BETWEEN 0 AND 240);

-- The provider rows carry what their booking blocks, so B4 stays one
-- indexed check in the database. SQLite cannot add a column without a
-- default, so the table is rebuilt with the new columns required.
CREATE TABLE booking_providers_new (
    business_id   BLOB NOT NULL,
    booking_id    BLOB NOT NULL,
    provider_id   BLOB NOT NULL,
    position      INTEGER NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    active        INTEGER NOT NULL,
    -- The booking's time with its buffers around it.
    blocked_from  INTEGER NOT NULL,
    blocked_until INTEGER NOT NULL,
    PRIMARY KEY (business_id, booking_id, provider_id),
    FOREIGN KEY (business_id, booking_id) REFERENCES bookings (business_id, id) ON DELETE CASCADE,
    FOREIGN KEY (business_id, provider_id) REFERENCES accounts (business_id, id),
    -- At most 240 minutes either side (a buffer's limit).
    CHECK (blocked_from <= starts_at AND blocked_from >= starts_at - 14400000000),
    CHECK (blocked_until >= ends_at AND blocked_until <= ends_at + 14400000000)
) STRICT;

INSERT INTO booking_providers_new
    (business_id, booking_id, provider_id, position, starts_at, ends_at, active, blocked_from, blocked_until)
SELECT business_id, booking_id, provider_id, position, starts_at, ends_at, active, starts_at, ends_at
FROM booking_providers;

DROP TABLE booking_providers;
ALTER TABLE booking_providers_new RENAME TO booking_providers;

CREATE INDEX booking_providers_by_time ON booking_providers (business_id, provider_id, starts_at);

-- B4: no provider has two active bookings whose blocked times overlap
-- (touching is fine). Write transactions begin IMMEDIATE, so this check
-- and the write it guards are never interleaved with another writer's. A
-- row that blocks NEW's time starts less than a day and a buffer (28 h)
-- before NEW's blocked time begins, and less than a buffer after it ends:
-- that bounds the walk of the index.
CREATE TRIGGER booking_providers_no_overlap_insert
BEFORE INSERT ON booking_providers
WHEN NEW.active AND EXISTS (
    SELECT 1 FROM booking_providers o
    WHERE o.business_id = NEW.business_id AND o.provider_id = NEW.provider_id AND o.active
      AND o.booking_id <> NEW.booking_id
      AND o.blocked_from < NEW.blocked_until AND o.blocked_until > NEW.blocked_from
      AND o.starts_at > NEW.blocked_from - 100800000000
      AND o.starts_at < NEW.blocked_until + 14400000000
)
BEGIN
    SELECT RAISE(ABORT, 'rota_booking_overlap');
END;

CREATE TRIGGER booking_providers_no_overlap_update
BEFORE UPDATE ON booking_providers
WHEN NEW.active AND EXISTS (
    SELECT 1 FROM booking_providers o
    WHERE o.business_id = NEW.business_id AND o.provider_id = NEW.provider_id AND o.active
      AND o.booking_id <> NEW.booking_id
      AND o.blocked_from < NEW.blocked_until AND o.blocked_until > NEW.blocked_from
      AND o.starts_at > NEW.blocked_from - 100800000000
      AND o.starts_at < NEW.blocked_until + 14400000000
)
BEGIN
    SELECT RAISE(ABORT, 'rota_booking_overlap');
END;
