-- Requests for payment emailed to a booking's customer: the amount asked
-- for and the reference they quote.
CREATE TABLE payment_requests (
    business_id  BLOB NOT NULL,
    id           BLOB NOT NULL,
    booking_id   BLOB NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reference    TEXT NOT NULL,
    link         TEXT,
    requested_by BLOB NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, booking_id) REFERENCES bookings (business_id, id)
) STRICT;

CREATE INDEX payment_requests_by_booking ON payment_requests (business_id, booking_id, at);
