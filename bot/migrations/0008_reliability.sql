-- Privacy: when the personal data of a closed or cancelled internship was removed
-- (`werkervaring-bot privacy purge`). The row itself stays: ids, dates and status.
ALTER TABLE internships ADD COLUMN purged_at TEXT;
-- When a person's name and Telegram account were removed; the row keeps only ids.
ALTER TABLE people ADD COLUMN purged_at TEXT;

CREATE INDEX processed_updates_at ON processed_updates(processed_at);
