-- Absences a client reports (late arrival, an appointment during internship hours,
-- a work accident) and the absences without notice an employer contact reports.
-- Every one of them reaches the caseworker; appointments are approved or declined
-- by the workplace and may need a proof afterwards.
CREATE TABLE absences (
    id                    INTEGER PRIMARY KEY,
    internship_id         INTEGER REFERENCES internships(id),
    client_id             INTEGER NOT NULL REFERENCES people(id),
    kind                  TEXT NOT NULL
                          CHECK (kind IN ('late', 'appointment', 'accident', 'no_show')),
    -- The day it is about (ISO date, local time).
    day                   TEXT NOT NULL,
    -- Appointments: the time span ('HH:MM').
    start_time            TEXT,
    end_time              TEXT,
    minutes_late          INTEGER CHECK (minutes_late IS NULL OR minutes_late > 0),
    category              TEXT CHECK (category IS NULL OR category IN (
                              'doctor', 'ocmw', 'dutch_lesson', 'court_police',
                              'childcare_school', 'other')),
    -- Short free text from the client; never a diagnosis.
    remark                TEXT,
    -- A voice remark is forwarded as it is, never transcribed.
    remark_voice_file_id  TEXT,
    status                TEXT NOT NULL DEFAULT 'reported'
                          CHECK (status IN ('reported', 'pending', 'approved', 'declined')),
    decided_by            INTEGER REFERENCES people(id),
    decided_at            TEXT,
    decline_reason        TEXT,
    -- The proof of an approved appointment: a Telegram file id and the Bot API method
    -- that sends it on ('sendPhoto' or 'sendDocument').
    proof_file_id         TEXT,
    proof_method          TEXT CHECK (proof_method IS NULL OR proof_method IN ('sendPhoto', 'sendDocument')),
    proof_at              TEXT,
    -- Accidents: when it happened ('HH:MM' on `day`).
    accident_time         TEXT,
    -- Who reported it: the client, or the employer contact for a no-show.
    reported_by           INTEGER REFERENCES people(id),
    -- When an unanswered request went to the caseworker.
    escalated_at          TEXT,
    created_at            TEXT NOT NULL
);
CREATE INDEX absences_internship ON absences(internship_id, day);
CREATE INDEX absences_client ON absences(client_id, status);
