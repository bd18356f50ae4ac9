-- Internship hours and evaluations, submitted by the workplace (issue 7).

-- Every confirmed submission or correction of the hours is a new version; none is
-- ever overwritten, so the history shows who reported what, and when.
CREATE TABLE hours_submissions (
    id             INTEGER PRIMARY KEY,
    internship_id  INTEGER NOT NULL REFERENCES internships(id),
    version        INTEGER NOT NULL CHECK (version > 0),
    submitted_by   INTEGER REFERENCES people(id),
    submitted_at   TEXT,
    total_minutes  INTEGER NOT NULL CHECK (total_minutes >= 0),
    -- JSON {"YYYY-MM-DD": minutes} when entered per day; NULL when entered as a total.
    per_day        TEXT,
    UNIQUE (internship_id, version)
);

-- Written by the caseworker: locked hours can no longer be corrected by the workplace.
CREATE TABLE hours_locks (
    internship_id  INTEGER PRIMARY KEY REFERENCES internships(id),
    locked_by      INTEGER REFERENCES people(id),
    locked_at      TEXT
);

-- One evaluation per internship: a draft while the workplace fills it in, then submitted.
CREATE TABLE evaluations (
    id                         INTEGER PRIMARY KEY,
    internship_id              INTEGER NOT NULL UNIQUE REFERENCES internships(id),
    status                     TEXT NOT NULL DEFAULT 'draft'
                               CHECK (status IN ('draft', 'submitted')),
    -- JSON {area key: {"level": level key, "remark": text or null}}; keys from
    -- locales/evaluation_form.toml.
    scores                     TEXT NOT NULL DEFAULT '{}',
    outcome                    TEXT CHECK (outcome IN ('favourable', 'less_favourable', 'negative')),
    bottlenecks                TEXT,
    bottlenecks_voice_file_id  TEXT,
    -- A photo or PDF of the paper form: form_method is 'photo' or 'document' with a
    -- file, 'none' when the workplace said it has no paper form, NULL when not asked yet.
    form_file_id               TEXT,
    form_method                TEXT CHECK (form_method IN ('photo', 'document', 'none')),
    submitted_by               INTEGER REFERENCES people(id),
    submitted_at               TEXT,
    updated_at                 TEXT
);
