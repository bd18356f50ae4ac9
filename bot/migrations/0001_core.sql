-- Core schema: people, workplaces, internships, invites, audit log, outbox,
-- reminders, processed updates and conversation persistence.
-- Timestamps are UTC ISO 8601 with offset; dates are ISO (YYYY-MM-DD).

CREATE TABLE workplaces (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    latitude    REAL,
    longitude   REAL,
    kind        TEXT NOT NULL DEFAULT 'nonprofit' CHECK (kind IN ('nonprofit', 'private')),
    created_at  TEXT NOT NULL
);

CREATE TABLE people (
    id                INTEGER PRIMARY KEY,
    role              TEXT NOT NULL CHECK (role IN ('client', 'employer', 'caseworker', 'admin')),
    name              TEXT NOT NULL,
    -- The language the person chose; NULL until they choose.
    language          TEXT,
    telegram_user_id  INTEGER UNIQUE,
    -- Employer contacts belong to a workplace.
    workplace_id      INTEGER REFERENCES workplaces(id),
    -- Set when Telegram says the person blocked the bot; cleared when they come back.
    blocked_at        TEXT,
    created_at        TEXT NOT NULL,
    created_by        INTEGER REFERENCES people(id)
);
CREATE INDEX people_workplace ON people(workplace_id);

CREATE TABLE internships (
    id                   INTEGER PRIMARY KEY,
    client_id            INTEGER NOT NULL REFERENCES people(id),
    workplace_id         INTEGER NOT NULL REFERENCES workplaces(id),
    employer_contact_id  INTEGER REFERENCES people(id),
    caseworker_id        INTEGER NOT NULL REFERENCES people(id),
    start_date           TEXT NOT NULL,
    -- Weekdays worked, Monday = 0, as a comma-separated list such as '0,1,2,3,4'.
    schedule_days        TEXT NOT NULL DEFAULT '0,1,2,3,4',
    day_start            TEXT NOT NULL DEFAULT '08:30',
    day_end              TEXT NOT NULL DEFAULT '16:30',
    length_workdays      INTEGER NOT NULL DEFAULT 9 CHECK (length_workdays > 0),
    extension_workdays   INTEGER NOT NULL DEFAULT 0 CHECK (extension_workdays >= 0),
    meeting_point        TEXT NOT NULL DEFAULT '',
    first_day_contact    TEXT NOT NULL DEFAULT '',
    what_to_bring        TEXT NOT NULL DEFAULT '',
    dutch_lessons        TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'planned'
                         CHECK (status IN ('planned', 'active', 'evaluated', 'closed', 'cancelled')),
    outcome              TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX internships_client ON internships(client_id);
CREATE INDEX internships_workplace ON internships(workplace_id);
CREATE INDEX internships_caseworker ON internships(caseworker_id);
CREATE INDEX internships_status ON internships(status);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    -- SHA-256 of the token; the token itself is never stored.
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    revoked_at  TEXT,
    created_by  INTEGER REFERENCES people(id)
);
CREATE INDEX invites_person ON invites(person_id);

-- Failed invite attempts per Telegram account, to slow down guessing.
CREATE TABLE link_attempts (
    id                INTEGER PRIMARY KEY,
    telegram_user_id  INTEGER NOT NULL,
    at                TEXT NOT NULL
);
CREATE INDEX link_attempts_user ON link_attempts(telegram_user_id, at);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    -- NULL for the system itself or the command line.
    actor_id      INTEGER REFERENCES people(id),
    action        TEXT NOT NULL,
    subject_type  TEXT NOT NULL DEFAULT '',
    subject_id    INTEGER,
    -- Facts only (ids, dates, counts); never message texts or file ids.
    details       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_subject ON audit_log(subject_type, subject_id);

-- Messages to people other than the one talking to the bot. Written in the same
-- transaction as the fact they report; sent by the outbox worker.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    recipient_id  INTEGER REFERENCES people(id),
    chat_id       INTEGER NOT NULL,
    method        TEXT NOT NULL,
    payload       TEXT NOT NULL,
    -- Optional: the same key twice is the same message (a retried effect stores it once).
    dedupe_key    TEXT UNIQUE,
    kind          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    not_before    TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    sent_at       TEXT,
    telegram_message_id INTEGER
);
CREATE INDEX outbox_pending ON outbox(status, not_before);
CREATE INDEX outbox_chat ON outbox(chat_id, status, id);

-- Reminders planned from the database state; each sent (or skipped) once.
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    subject_id  INTEGER NOT NULL,
    due_at      TEXT NOT NULL,
    -- After this moment the reminder is no longer useful and is skipped.
    expires_at  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'skipped', 'cancelled')),
    done_at     TEXT,
    note        TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, subject_id, due_at)
);
CREATE INDEX reminders_due ON reminders(status, due_at);
CREATE INDEX reminders_subject ON reminders(subject_id, kind);

-- Updates whose effects are committed; reprocessing one of these is skipped.
CREATE TABLE processed_updates (
    update_id     INTEGER PRIMARY KEY,
    processed_at  TEXT NOT NULL
);

-- Persistence of PTB conversations and per-user scratch data.
CREATE TABLE conversation_states (
    name   TEXT NOT NULL,
    key    TEXT NOT NULL,
    state  TEXT NOT NULL,
    PRIMARY KEY (name, key)
);

CREATE TABLE user_data (
    user_id  INTEGER PRIMARY KEY,
    data     TEXT NOT NULL
);
