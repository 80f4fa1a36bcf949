-- Recurring bookings (issue 19): each occurrence is a booking that names
-- its series, so one, this and following, or the whole series can be
-- changed together.
ALTER TABLE bookings ADD COLUMN series_id BLOB;

CREATE INDEX bookings_by_series ON bookings (business_id, series_id, starts_at) WHERE series_id IS NOT NULL;
