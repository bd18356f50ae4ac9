-- Sick reports (ziekmeldingen) and their medical certificates.
-- Never a diagnosis: the bot does not ask for it and there is no column for it.

CREATE TABLE sick_reports (
    id                 INTEGER PRIMARY KEY,
    -- NULL when the client had no open internship when reporting.
    internship_id      INTEGER REFERENCES internships(id),
    client_id          INTEGER NOT NULL REFERENCES people(id),
    -- Short reference the client and the others can quote, such as 'Z-0042'.
    reference          TEXT UNIQUE,
    reported_at        TEXT NOT NULL,
    first_day          TEXT NOT NULL,
    -- NULL: the client does not know yet.
    expected_last_day  TEXT,
    doctor             TEXT NOT NULL CHECK (doctor IN ('seen', 'will_see', 'no')),
    -- 1: reported after the client's workday start time on the first (work)day, local time.
    late               INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    -- The first day back at work.
    recovered_on       TEXT,
    updated_at         TEXT NOT NULL
);
CREATE INDEX sick_reports_client ON sick_reports(client_id, status);
CREATE INDEX sick_reports_internship ON sick_reports(internship_id);

-- Certificates are kept as Telegram file ids only; the file itself is never downloaded.
CREATE TABLE sick_certificates (
    id              INTEGER PRIMARY KEY,
    sick_report_id  INTEGER NOT NULL REFERENCES sick_reports(id),
    file_id         TEXT NOT NULL,
    file_unique_id  TEXT NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('sendPhoto', 'sendDocument')),
    received_at     TEXT NOT NULL,
    UNIQUE (sick_report_id, file_unique_id)
);
CREATE INDEX sick_certificates_report ON sick_certificates(sick_report_id);
