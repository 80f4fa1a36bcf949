-- R6 reports read a year in milliseconds: the database keeps, per UTC day
-- of a booking's start and per status, what its bookings add up to, so a
-- report reads a few rows a day instead of every booking. Triggers keep
-- the tallies in the same transaction as the booking row they come from.
--
-- Two kinds of row: `lead` rows count each booking once, under its first
-- provider (or the nil id when it has none) — the business's totals; and,
-- for each assigned provider, a row of their own (`NOT lead`) with the
-- booked time. A booking's providers are its `provider_ids` (hex,
-- comma-separated), read as a JSON array.
CREATE TABLE booking_tallies (
    business_id   BLOB NOT NULL REFERENCES businesses (id),
    lead          INTEGER NOT NULL,
    day           INTEGER NOT NULL,
    provider_id   BLOB NOT NULL,
    status        TEXT NOT NULL,
    bookings      INTEGER NOT NULL,
    price_minor   INTEGER NOT NULL,
    paid_minor    INTEGER NOT NULL,
    tips_minor    INTEGER NOT NULL,
    booked_micros INTEGER NOT NULL,
    PRIMARY KEY (business_id, lead, day, provider_id, status)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER bookings_tally_insert AFTER INSERT ON bookings
BEGIN
    INSERT INTO booking_tallies (business_id, lead, day, provider_id, status, bookings,
        price_minor, paid_minor, tips_minor, booked_micros)
    SELECT NEW.business_id, p.lead,
        (NEW.starts_at - ((NEW.starts_at % 86400000000) + 86400000000) % 86400000000) / 86400000000,
        p.id, NEW.status, 1, NEW.price_minor, NEW.paid_minor, NEW.tips_minor, NEW.ends_at - NEW.starts_at
    FROM (
        SELECT 1 AS lead, coalesce(unhex(nullif(substr(NEW.provider_ids, 1, 32), '')), zeroblob(16)) AS id
        UNION ALL
        SELECT 0, unhex(value) FROM json_each('["' || replace(NEW.provider_ids, ',', '","') || '"]')
        WHERE value <> ''
    ) AS p
    WHERE true
    ON CONFLICT (business_id, lead, day, provider_id, status) DO UPDATE SET
        bookings = bookings + excluded.bookings,
        price_minor = price_minor + excluded.price_minor,
        paid_minor = paid_minor + excluded.paid_minor,
        tips_minor = tips_minor + excluded.tips_minor,
        booked_micros = booked_micros + excluded.booked_micros;
END;

CREATE TRIGGER bookings_tally_delete AFTER DELETE ON bookings
BEGIN
    INSERT INTO booking_tallies (business_id, lead, day, provider_id, status, bookings,
        price_minor, paid_minor, tips_minor, booked_micros)
    SELECT OLD.business_id, p.lead,
        (OLD.starts_at - ((OLD.starts_at % 86400000000) + 86400000000) % 86400000000) / 86400000000,
        p.id, OLD.status, -1, -OLD.price_minor, -OLD.paid_minor, -OLD.tips_minor, OLD.starts_at - OLD.ends_at
    FROM (
        SELECT 1 AS lead, coalesce(unhex(nullif(substr(OLD.provider_ids, 1, 32), '')), zeroblob(16)) AS id
        UNION ALL
        SELECT 0, unhex(value) FROM json_each('["' || replace(OLD.provider_ids, ',', '","') || '"]')
        WHERE value <> ''
    ) AS p
    WHERE true
    ON CONFLICT (business_id, lead, day, provider_id, status) DO UPDATE SET
        bookings = bookings + excluded.bookings,
        price_minor = price_minor + excluded.price_minor,
        paid_minor = paid_minor + excluded.paid_minor,
        tips_minor = tips_minor + excluded.tips_minor,
        booked_micros = booked_micros + excluded.booked_micros;
END;

CREATE TRIGGER bookings_tally_update AFTER UPDATE ON bookings
BEGIN
    INSERT INTO booking_tallies (business_id, lead, day, provider_id, status, bookings,
        price_minor, paid_minor, tips_minor, booked_micros)
    SELECT OLD.business_id, p.lead,
        (OLD.starts_at - ((OLD.starts_at % 86400000000) + 86400000000) % 86400000000) / 86400000000,
        p.id, OLD.status, -1, -OLD.price_minor, -OLD.paid_minor, -OLD.tips_minor, OLD.starts_at - OLD.ends_at
    FROM (
        SELECT 1 AS lead, coalesce(unhex(nullif(substr(OLD.provider_ids, 1, 32), '')), zeroblob(16)) AS id
        UNION ALL
        SELECT 0, unhex(value) FROM json_each('["' || replace(OLD.provider_ids, ',', '","') || '"]')
        WHERE value <> ''
    ) AS p
    WHERE true
    ON CONFLICT (business_id, lead, day, provider_id, status) DO UPDATE SET
        bookings = bookings + excluded.bookings,
        price_minor = price_minor + excluded.price_minor,
        paid_minor = paid_minor + excluded.paid_minor,
        tips_minor = tips_minor + excluded.tips_minor,
        booked_micros = booked_micros + excluded.booked_micros;
    INSERT INTO booking_tallies (business_id, lead, day, provider_id, status, bookings,
        price_minor, paid_minor, tips_minor, booked_micros)
    SELECT NEW.business_id, p.lead,
        (NEW.starts_at - ((NEW.starts_at % 86400000000) + 86400000000) % 86400000000) / 86400000000,
        p.id, NEW.status, 1, NEW.price_minor, NEW.paid_minor, NEW.tips_minor, NEW.ends_at - NEW.starts_at
    FROM (
        SELECT 1 AS lead, coalesce(unhex(nullif(substr(NEW.provider_ids, 1, 32), '')), zeroblob(16)) AS id
        UNION ALL
        SELECT 0, unhex(value) FROM json_each('["' || replace(NEW.provider_ids, ',', '","') || '"]')
        WHERE value <> ''
    ) AS p
    WHERE true
    ON CONFLICT (business_id, lead, day, provider_id, status) DO UPDATE SET
        bookings = bookings + excluded.bookings,
        price_minor = price_minor + excluded.price_minor,
        paid_minor = paid_minor + excluded.paid_minor,
        tips_minor = tips_minor + excluded.tips_minor,
        booked_micros = booked_micros + excluded.booked_micros;
END;

-- The bookings already kept.
INSERT INTO booking_tallies (business_id, lead, day, provider_id, status, bookings,
    price_minor, paid_minor, tips_minor, booked_micros)
SELECT b.business_id, p.lead,
    (b.starts_at - ((b.starts_at % 86400000000) + 86400000000) % 86400000000) / 86400000000 AS d,
    p.id, b.status, count(*), sum(b.price_minor), sum(b.paid_minor), sum(b.tips_minor),
    sum(b.ends_at - b.starts_at)
FROM bookings b, (
    SELECT b2.id AS booking_id, 1 AS lead,
        coalesce(unhex(nullif(substr(b2.provider_ids, 1, 32), '')), zeroblob(16)) AS id
    FROM bookings b2
    UNION ALL
    SELECT b3.id, 0, unhex(j.value)
    FROM bookings b3, json_each('["' || replace(b3.provider_ids, ',', '","') || '"]') j
    WHERE j.value <> ''
) AS p
WHERE p.booking_id = b.id
GROUP BY b.business_id, p.lead, d, p.id, b.status;
