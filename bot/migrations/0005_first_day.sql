-- The employer contact's one-tap "ready" for a client's first workday.
-- One row per internship and first day: a new start date asks again.
CREATE TABLE first_day_confirmations (
    internship_id  INTEGER NOT NULL REFERENCES internships(id),
    first_day      TEXT NOT NULL,
    confirmed_by   INTEGER NOT NULL REFERENCES people(id),
    confirmed_at   TEXT NOT NULL,
    PRIMARY KEY (internship_id, first_day)
);
