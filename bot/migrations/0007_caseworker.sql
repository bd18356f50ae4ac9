-- Caseworker work: contract signing and second chances on internships, notification
-- settings (at once or in a daily digest) and the digest queue.

ALTER TABLE internships ADD COLUMN contract_signed_on TEXT;
ALTER TABLE internships ADD COLUMN second_chance INTEGER NOT NULL DEFAULT 0;
-- The internship this one is the second chance of.
ALTER TABLE internships ADD COLUMN previous_internship_id INTEGER REFERENCES internships(id);

-- Per caseworker: the local time of the daily digest.
CREATE TABLE caseworker_settings (
    person_id    INTEGER PRIMARY KEY REFERENCES people(id),
    digest_time  TEXT NOT NULL DEFAULT '16:00'
);

-- Per caseworker and notification kind: 'now' (at once) or 'digest'. No row: at once.
CREATE TABLE notification_preferences (
    person_id  INTEGER NOT NULL REFERENCES people(id),
    kind       TEXT NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('now', 'digest')),
    PRIMARY KEY (person_id, kind)
);

-- Notifications waiting for a caseworker's daily digest (text already in their language).
CREATE TABLE digest_items (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    internship_id  INTEGER REFERENCES internships(id),
    kind           TEXT NOT NULL,
    text           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    sent_at        TEXT
);
CREATE INDEX digest_items_pending ON digest_items(person_id, sent_at);
