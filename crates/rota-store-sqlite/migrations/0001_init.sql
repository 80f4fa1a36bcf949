-- Rota on SQLite. Instants are INTEGER microseconds since the Unix epoch;
-- ids are 16-byte BLOB UUIDs; structured settings are JSON text.
-- Every table is keyed by business (R12).

CREATE TABLE businesses (
    id              BLOB PRIMARY KEY,
    name            TEXT NOT NULL,
    slug            TEXT NOT NULL UNIQUE,
    time_zone       TEXT NOT NULL,
    currency        TEXT NOT NULL,
    plan            TEXT NOT NULL CHECK (plan IN ('starter', 'grow', 'pro_max')),
    subscription    TEXT NOT NULL CHECK (subscription IN ('active', 'cancelled')),
    settings        TEXT NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE accounts (
    business_id      BLOB NOT NULL REFERENCES businesses (id),
    id               BLOB NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('employee', 'customer')),
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('invited', 'active', 'deactivated')),
    -- employees
    name             TEXT,
    phone            TEXT,
    roles            TEXT,
    owner            INTEGER NOT NULL DEFAULT 0,
    -- customers
    first_name       TEXT,
    last_name        TEXT,
    details          TEXT,
    archived_at      INTEGER,
    created_at       INTEGER NOT NULL,
    activated_at     INTEGER,
    password_hash    TEXT,
    PRIMARY KEY (business_id, id),
    -- R1: one account per normalized email in a business, employees and customers alike.
    UNIQUE (business_id, email_normalized),
    -- Lets bookings refer to a customer, and only a customer (B1).
    UNIQUE (business_id, id, kind),
    CHECK (kind = 'employee' OR (first_name IS NOT NULL AND last_name IS NOT NULL)),
    CHECK (kind = 'customer' OR (name IS NOT NULL AND roles IS NOT NULL)),
    CHECK (owner = 0 OR kind = 'employee')
) STRICT;

CREATE INDEX accounts_customers ON accounts (business_id, kind, id);

CREATE TABLE audit_events (
    business_id BLOB NOT NULL REFERENCES businesses (id),
    id          BLOB NOT NULL,
    actor_id    BLOB,
    subject_id  BLOB,
    kind        TEXT NOT NULL,
    change      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (business_id, id)
) STRICT;

CREATE TABLE services (
    business_id      BLOB NOT NULL REFERENCES businesses (id),
    id               BLOB NOT NULL,
    name             TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
    price_minor      INTEGER NOT NULL CHECK (price_minor >= 0),
    providers        TEXT NOT NULL,
    active           INTEGER NOT NULL,
    PRIMARY KEY (business_id, id)
) STRICT;

CREATE TABLE work_calendars (
    business_id BLOB NOT NULL,
    provider_id BLOB NOT NULL,
    time_zone   TEXT,
    hours       TEXT NOT NULL,
    PRIMARY KEY (business_id, provider_id),
    FOREIGN KEY (business_id, provider_id) REFERENCES accounts (business_id, id)
) STRICT;

CREATE TABLE time_off (
    business_id BLOB NOT NULL REFERENCES businesses (id),
    id          BLOB NOT NULL,
    provider_id BLOB,
    kind        TEXT NOT NULL CHECK (kind IN ('range', 'days', 'weekly')),
    -- For one-off ranges, so overlap queries can use an index.
    starts_at   INTEGER,
    ends_at     INTEGER,
    absence     TEXT NOT NULL,
    note        TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, provider_id) REFERENCES accounts (business_id, id)
) STRICT;

CREATE INDEX time_off_by_provider ON time_off (business_id, provider_id);

CREATE TABLE bookings (
    business_id   BLOB NOT NULL REFERENCES businesses (id),
    id            BLOB NOT NULL,
    customer_id   BLOB NOT NULL,
    customer_kind TEXT NOT NULL DEFAULT 'customer' CHECK (customer_kind = 'customer'),
    service_id    BLOB,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'completed', 'cancelled', 'no_show')),
    price_minor   INTEGER NOT NULL CHECK (price_minor >= 0),
    paid_minor    INTEGER NOT NULL CHECK (paid_minor >= 0),
    tips_minor    INTEGER NOT NULL CHECK (tips_minor >= 0),
    notes         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    sequence      INTEGER NOT NULL,
    -- The assigned providers in order (hex UUIDs, comma-separated), kept
    -- with the row so reads need no join; booking_providers holds B4.
    provider_ids  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (business_id, id),
    -- B1: the customer is an account of the same business, and a customer.
    FOREIGN KEY (business_id, customer_id, customer_kind) REFERENCES accounts (business_id, id, kind),
    -- B2.
    CHECK (ends_at > starts_at),
    CHECK (paid_minor <= price_minor)
) STRICT;

CREATE INDEX bookings_by_start ON bookings (business_id, starts_at, id);
CREATE INDEX bookings_by_customer ON bookings (business_id, customer_id, starts_at);

-- One row per assigned provider, carrying the booking's time so B4 can be
-- held by the database.
CREATE TABLE booking_providers (
    business_id BLOB NOT NULL,
    booking_id  BLOB NOT NULL,
    provider_id BLOB NOT NULL,
    position    INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    active      INTEGER NOT NULL,
    PRIMARY KEY (business_id, booking_id, provider_id),
    FOREIGN KEY (business_id, booking_id) REFERENCES bookings (business_id, id) ON DELETE CASCADE,
    FOREIGN KEY (business_id, provider_id) REFERENCES accounts (business_id, id)
) STRICT;

CREATE INDEX booking_providers_by_time ON booking_providers (business_id, provider_id, starts_at);

-- B4: no provider has two overlapping active bookings (touching is fine).
-- Write transactions begin IMMEDIATE, so this check and the write it guards
-- are never interleaved with another writer's.
CREATE TRIGGER booking_providers_no_overlap_insert
BEFORE INSERT ON booking_providers
WHEN NEW.active AND EXISTS (
    SELECT 1 FROM booking_providers o
    WHERE o.business_id = NEW.business_id AND o.provider_id = NEW.provider_id AND o.active
      AND o.booking_id <> NEW.booking_id
      AND o.starts_at < NEW.ends_at AND o.ends_at > NEW.starts_at
      AND o.starts_at > NEW.starts_at - 86400000000
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
      AND o.starts_at < NEW.ends_at AND o.ends_at > NEW.starts_at
      AND o.starts_at > NEW.starts_at - 86400000000
)
BEGIN
    SELECT RAISE(ABORT, 'rota_booking_overlap');
END;

CREATE TABLE payments (
    business_id  BLOB NOT NULL,
    id           BLOB NOT NULL,
    booking_id   BLOB NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    tip_minor    INTEGER NOT NULL CHECK (tip_minor >= 0),
    method       TEXT NOT NULL,
    recorded_by  BLOB NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, booking_id) REFERENCES bookings (business_id, id)
) STRICT;

CREATE TABLE idempotency_keys (
    business_id BLOB NOT NULL,
    actor_id    BLOB NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (business_id, actor_id, key)
) STRICT;

CREATE TABLE time_entries (
    business_id BLOB NOT NULL,
    id          BLOB NOT NULL,
    employee_id BLOB NOT NULL,
    clock_in    INTEGER NOT NULL,
    clock_out   INTEGER,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, employee_id) REFERENCES accounts (business_id, id)
) STRICT;

CREATE INDEX time_entries_by_employee ON time_entries (business_id, employee_id, clock_in);
