-- Rota on PostgreSQL. Every table is keyed by business (R12).
-- btree_gist lets the B4 exclusion constraint combine `=` on ids with `&&`
-- on time ranges. It lives in `public`, so every schema can use it.
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

CREATE TABLE businesses (
    id           uuid PRIMARY KEY,
    name         text NOT NULL,
    slug         text NOT NULL UNIQUE,
    time_zone    text NOT NULL,
    currency     text NOT NULL,
    plan         text NOT NULL CHECK (plan IN ('starter', 'grow', 'pro_max')),
    subscription text NOT NULL CHECK (subscription IN ('active', 'cancelled')),
    settings     jsonb NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE TABLE accounts (
    business_id      uuid NOT NULL REFERENCES businesses (id),
    id               uuid NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('employee', 'customer')),
    email            text NOT NULL,
    email_normalized text NOT NULL,
    status           text NOT NULL CHECK (status IN ('invited', 'active', 'deactivated')),
    name             text,
    phone            text,
    roles            jsonb,
    owner            boolean NOT NULL DEFAULT false,
    first_name       text,
    last_name        text,
    details          jsonb,
    archived_at      timestamptz,
    created_at       timestamptz NOT NULL,
    activated_at     timestamptz,
    password_hash    text,
    PRIMARY KEY (business_id, id),
    -- R1: one account per normalized email in a business.
    CONSTRAINT accounts_email_unique UNIQUE (business_id, email_normalized),
    -- Lets bookings refer to a customer, and only a customer (B1).
    UNIQUE (business_id, id, kind),
    CHECK (kind = 'employee' OR (first_name IS NOT NULL AND last_name IS NOT NULL)),
    CHECK (kind = 'customer' OR (name IS NOT NULL AND roles IS NOT NULL)),
    CHECK (NOT owner OR kind = 'employee')
);

CREATE INDEX accounts_customers ON accounts (business_id, kind, id);

CREATE TABLE audit_events (
    business_id uuid NOT NULL REFERENCES businesses (id),
    id          uuid NOT NULL,
    actor_id    uuid,
    subject_id  uuid,
    kind        text NOT NULL,
    change      jsonb NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (business_id, id)
);

CREATE TABLE services (
    business_id      uuid NOT NULL REFERENCES businesses (id),
    id               uuid NOT NULL,
    name             text NOT NULL,
    duration_minutes bigint NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
    price_minor      bigint NOT NULL CHECK (price_minor >= 0),
    providers        jsonb NOT NULL,
    active           boolean NOT NULL,
    PRIMARY KEY (business_id, id)
);

CREATE TABLE work_calendars (
    business_id uuid NOT NULL,
    provider_id uuid NOT NULL,
    time_zone   text,
    hours       jsonb NOT NULL,
    PRIMARY KEY (business_id, provider_id),
    FOREIGN KEY (business_id, provider_id) REFERENCES accounts (business_id, id)
);

CREATE TABLE time_off (
    business_id uuid NOT NULL REFERENCES businesses (id),
    id          uuid NOT NULL,
    provider_id uuid,
    kind        text NOT NULL CHECK (kind IN ('range', 'days', 'weekly')),
    starts_at   timestamptz,
    ends_at     timestamptz,
    absence     jsonb NOT NULL,
    note        text,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, provider_id) REFERENCES accounts (business_id, id)
);

CREATE INDEX time_off_by_provider ON time_off (business_id, provider_id);

CREATE TABLE bookings (
    business_id   uuid NOT NULL REFERENCES businesses (id),
    id            uuid NOT NULL,
    customer_id   uuid NOT NULL,
    customer_kind text NOT NULL DEFAULT 'customer' CHECK (customer_kind = 'customer'),
    service_id    uuid,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    status        text NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'completed', 'cancelled', 'no_show')),
    price_minor   bigint NOT NULL CHECK (price_minor >= 0),
    paid_minor    bigint NOT NULL CHECK (paid_minor >= 0),
    tips_minor    bigint NOT NULL CHECK (tips_minor >= 0),
    notes         text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    sequence      bigint NOT NULL,
    -- The assigned providers in order, kept with the row so reads need no
    -- join; booking_providers holds B4.
    provider_ids  uuid[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (business_id, id),
    -- B1: the customer is an account of the same business, and a customer.
    FOREIGN KEY (business_id, customer_id, customer_kind) REFERENCES accounts (business_id, id, kind),
    -- B2.
    CHECK (ends_at > starts_at),
    CHECK (paid_minor <= price_minor)
);

CREATE INDEX bookings_by_start ON bookings (business_id, starts_at, id);
CREATE INDEX bookings_by_customer ON bookings (business_id, customer_id, starts_at);

-- One row per assigned provider, carrying the booking's time, so B4 is held
-- by an exclusion constraint.
CREATE TABLE booking_providers (
    business_id uuid NOT NULL,
    booking_id  uuid NOT NULL,
    provider_id uuid NOT NULL,
    position    bigint NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    active      boolean NOT NULL,
    PRIMARY KEY (business_id, booking_id, provider_id),
    FOREIGN KEY (business_id, booking_id) REFERENCES bookings (business_id, id) ON DELETE CASCADE,
    FOREIGN KEY (business_id, provider_id) REFERENCES accounts (business_id, id),
    -- B4: no provider has two overlapping active bookings; touching is fine.
    CONSTRAINT booking_providers_no_overlap EXCLUDE USING gist (
        business_id WITH =,
        provider_id WITH =,
        tstzrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (active)
);

CREATE INDEX booking_providers_by_time ON booking_providers (business_id, provider_id, starts_at);

CREATE TABLE payments (
    business_id  uuid NOT NULL,
    id           uuid NOT NULL,
    booking_id   uuid NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
    tip_minor    bigint NOT NULL CHECK (tip_minor >= 0),
    method       text NOT NULL,
    recorded_by  uuid NOT NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, booking_id) REFERENCES bookings (business_id, id)
);

CREATE TABLE idempotency_keys (
    business_id uuid NOT NULL,
    actor_id    uuid NOT NULL,
    key         text NOT NULL,
    fingerprint text NOT NULL,
    status      bigint NOT NULL,
    body        bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (business_id, actor_id, key)
);

CREATE TABLE time_entries (
    business_id uuid NOT NULL,
    id          uuid NOT NULL,
    employee_id uuid NOT NULL,
    clock_in    timestamptz NOT NULL,
    clock_out   timestamptz,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, employee_id) REFERENCES accounts (business_id, id)
);

CREATE INDEX time_entries_by_employee ON time_entries (business_id, employee_id, clock_in);
