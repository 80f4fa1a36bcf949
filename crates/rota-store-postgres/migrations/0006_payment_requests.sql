-- Requests for payment emailed to a booking's customer: the amount asked
-- for and the reference they quote.
CREATE TABLE payment_requests (
    business_id  uuid NOT NULL,
    id           uuid NOT NULL,
    booking_id   uuid NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    reference    text NOT NULL,
    link         text,
    requested_by uuid NOT NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (business_id, id),
    FOREIGN KEY (business_id, booking_id) REFERENCES bookings (business_id, id)
);

CREATE INDEX payment_requests_by_booking ON payment_requests (business_id, booking_id, at);
