-- The unpaid break of each workday (issue 20): the hours pre-filled for a day and the
-- premium count the hours worked, without it. Internships made before had none stored:
-- they get the usual break (30 minutes on a day over 6 hours, as BREAK_MINUTES says by
-- default), so their pre-filled hours follow the same rule as new ones.
ALTER TABLE internships ADD COLUMN break_minutes INTEGER NOT NULL DEFAULT 0
    CHECK (break_minutes >= 0);
UPDATE internships SET break_minutes = 30
WHERE (CAST(substr(day_end, 1, 2) AS INTEGER) * 60 + CAST(substr(day_end, 4, 2) AS INTEGER))
    - (CAST(substr(day_start, 1, 2) AS INTEGER) * 60 + CAST(substr(day_start, 4, 2) AS INTEGER))
    > 360;
