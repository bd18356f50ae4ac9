-- An optional phone number for employer contacts and caseworkers (clients are told whom
-- to call), stored in E.164 form ('+32470123456') and shown in international format.
-- Version 13: 11 and 12 are other changes of the same release; versions only need to
-- grow, so this applies after them, or alone.
ALTER TABLE people ADD COLUMN phone TEXT;
