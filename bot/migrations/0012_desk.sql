-- The caseworker's desk (bot/desk): one-time sign-in links sent by the bot, and the
-- browser sessions they open. Both are stored only as SHA-256 hashes of their secret.
-- A link or a session belongs to the Telegram account that asked for it: when the
-- person's link is revoked (or moved to another account) the session no longer counts.
CREATE TABLE desk_sign_ins (
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    telegram_user_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE desk_sessions (
    session_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    telegram_user_id INTEGER NOT NULL,
    -- The form token of the session (not a secret on its own: it only counts with the cookie).
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT
);

CREATE INDEX desk_sessions_person ON desk_sessions(person_id);
