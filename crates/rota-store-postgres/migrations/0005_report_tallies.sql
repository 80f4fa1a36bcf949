-- R6 reports read a year in milliseconds: the database keeps, per UTC day
-- of a booking's start and per status, what its bookings add up to, so a
-- report reads a few rows a day instead of every booking. A trigger keeps
-- the tallies in the same transaction as the booking row they come from,
-- so every process reads the same figures (SPEC §8).
--
-- Two kinds of row: `lead` rows count each booking once, under its first
-- provider (or the nil id when it has none) — the business's totals,
-- spread over providers so concurrent bookings of different providers
-- never wait on one row; and, for each assigned provider, a row of their
-- own (`NOT lead`) with the booked time.
CREATE TABLE booking_tallies (
    business_id   uuid NOT NULL REFERENCES businesses (id),
    lead          boolean NOT NULL,
    day           bigint NOT NULL,
    provider_id   uuid NOT NULL,
    status        text NOT NULL,
    bookings      bigint NOT NULL,
    price_minor   bigint NOT NULL,
    paid_minor    bigint NOT NULL,
    tips_minor    bigint NOT NULL,
    booked_micros bigint NOT NULL,
    PRIMARY KEY (business_id, lead, day, provider_id, status)
);

CREATE FUNCTION rota_tally(b bookings, sign bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO booking_tallies AS t (business_id, lead, day, provider_id, status, bookings,
        price_minor, paid_minor, tips_minor, booked_micros)
    SELECT b.business_id, p.lead, floor(extract(epoch FROM b.starts_at) / 86400)::bigint, p.id,
        b.status, sign, sign * b.price_minor, sign * b.paid_minor, sign * b.tips_minor,
        sign * round(extract(epoch FROM b.ends_at - b.starts_at) * 1000000)::bigint
    FROM (
        SELECT true AS lead, coalesce(b.provider_ids[1], '00000000-0000-0000-0000-000000000000'::uuid) AS id
        UNION ALL
        SELECT false, unnest(b.provider_ids)
    ) AS p
    -- One order for every writer, so two never wait on each other's rows.
    ORDER BY p.lead DESC, p.id
    ON CONFLICT (business_id, lead, day, provider_id, status) DO UPDATE SET
        bookings = t.bookings + excluded.bookings,
        price_minor = t.price_minor + excluded.price_minor,
        paid_minor = t.paid_minor + excluded.paid_minor,
        tips_minor = t.tips_minor + excluded.tips_minor,
        booked_micros = t.booked_micros + excluded.booked_micros
$$;

CREATE FUNCTION rota_tally_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM rota_tally(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM rota_tally(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER bookings_tally AFTER INSERT OR UPDATE OR DELETE ON bookings
    FOR EACH ROW EXECUTE FUNCTION rota_tally_booking();

-- The bookings already kept.
SELECT rota_tally(b, 1) FROM bookings b;
