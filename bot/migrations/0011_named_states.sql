-- Conversation states by name (issue 18). Up to version 10 a conversation's state was
-- stored as a number (its place in a `range()`), which changed meaning whenever a later
-- release inserted a state. Now it is stored as its name (a JSON string, '"length"').
-- Every conversation in progress at the old numbers continues at its named step; where
-- a flow was split, its row moves to the conversation that now holds that step (same
-- chat and person, same key), and so does the scratch data that step reads. A row at a
-- number no release had is ended: the person's next message finds no flow waiting.
--
-- Rows are keyed by PTB's conversation key as `bot.persistence` writes it, the JSON
-- list [chat id, user id]; `user_data` is keyed by the user id, so $[1] joins the two.

-- 1. Steps told apart by their scratch data, before the rows move.

-- The old sick report asked "how long" (2, 3) both for a new report and for "sick
-- longer" (mode 'prolong' in its draft); sick longer is now its own conversation.
UPDATE conversation_states SET name = 'sick_longer', state = '"length"'
WHERE name = 'sick_report' AND state = '2' AND EXISTS (
    SELECT 1 FROM user_data u
    WHERE u.user_id = json_extract(conversation_states.key, '$[1]')
      AND json_extract(u.data, '$.sick_report.mode') = 'prolong');
UPDATE conversation_states SET name = 'sick_longer', state = '"length_date"'
WHERE name = 'sick_report' AND state = '3' AND EXISTS (
    SELECT 1 FROM user_data u
    WHERE u.user_id = json_extract(conversation_states.key, '$[1]')
      AND json_extract(u.data, '$.sick_report.mode') = 'prolong');

-- The old hours asked a day (4) both while walking the days and for one day picked
-- from the summary ("editing" in its draft); the second now has a step of its own,
-- which goes back to the summary after the answer, as the old one did.
UPDATE conversation_states SET name = 'hours_entry', state = '"edit_day"'
WHERE name = 'hours' AND state = '4' AND EXISTS (
    SELECT 1 FROM user_data u
    WHERE u.user_id = json_extract(conversation_states.key, '$[1]')
      AND json_type(u.data, '$.hours.editing') = 'true');

-- The caseload's typed answers are three conversations now, each with its own scratch
-- key ({"internship_id": N}, the same shape).
UPDATE user_data SET data = json_remove(
    json_set(data, '$.caseload_extend', json(json_extract(data, '$.caseload'))), '$.caseload')
WHERE json_type(data, '$.caseload') = 'object' AND user_id IN (
    SELECT json_extract(key, '$[1]') FROM conversation_states
    WHERE name = 'caseload' AND state = '0');
UPDATE user_data SET data = json_remove(
    json_set(data, '$.caseload_move', json(json_extract(data, '$.caseload'))), '$.caseload')
WHERE json_type(data, '$.caseload') = 'object' AND user_id IN (
    SELECT json_extract(key, '$[1]') FROM conversation_states
    WHERE name = 'caseload' AND state = '1');
UPDATE user_data SET data = json_remove(
    json_set(data, '$.caseload_close', json(json_extract(data, '$.caseload'))), '$.caseload')
WHERE json_type(data, '$.caseload') = 'object' AND user_id IN (
    SELECT json_extract(key, '$[1]') FROM conversation_states
    WHERE name = 'caseload' AND state = '2');

-- No longer written or read (the appointment proof is offered by the loose files now).
UPDATE user_data SET data = json_remove(data, '$.appointment_proof_update')
WHERE json_type(data, '$.appointment_proof_update') IS NOT NULL;

-- 2. Every other step: (conversation, number) -> (conversation now, step name).
CREATE TEMP TABLE named_states (
    name      TEXT NOT NULL,
    state     TEXT NOT NULL,
    new_name  TEXT NOT NULL,
    new_state TEXT NOT NULL,
    PRIMARY KEY (name, state)
);
INSERT INTO named_states (name, state, new_name, new_state) VALUES
    ('accident', '0', 'accident', 'when'),
    ('accident', '1', 'accident', 'on_day'),
    ('accident', '2', 'accident', 'at_time'),
    ('accident', '3', 'accident', 'what'),
    ('appointment', '0', 'appointment', 'kind'),
    ('appointment', '1', 'appointment', 'day'),
    ('appointment', '2', 'appointment', 'span'),
    ('appointment', '3', 'appointment', 'remark'),
    ('appointment', '4', 'appointment', 'confirm'),
    -- Deciding and sending the proof are conversations of their own.
    ('appointment', '5', 'appointment_decision', 'reason'),
    ('appointment', '6', 'appointment_proof', 'proof'),
    ('caseload', '0', 'caseload_extend', 'days'),
    ('caseload', '1', 'caseload_move', 'new_start'),
    ('caseload', '2', 'caseload_close', 'contract_date'),
    -- The evaluation's opening keeps the choice of trainee and "continue or start
    -- again"; every answer from the areas on is evaluation_entry's.
    ('evaluation', '0', 'evaluation', 'choose_trainee'),
    ('evaluation', '1', 'evaluation', 'resume'),
    ('evaluation', '2', 'evaluation_entry', 'area'),
    ('evaluation', '3', 'evaluation_entry', 'remark'),
    ('evaluation', '4', 'evaluation_entry', 'outcome'),
    ('evaluation', '5', 'evaluation_entry', 'bottlenecks'),
    ('evaluation', '6', 'evaluation_entry', 'form'),
    ('evaluation', '7', 'evaluation_entry', 'summary'),
    ('evaluation', '8', 'evaluation_entry', 'pick_area'),
    ('export', '0', 'export', 'period'),
    -- The hours' opening keeps whose, correct or continue, per day or in total;
    -- hours_entry enters and sends them.
    ('hours', '0', 'hours', 'choose_trainee'),
    ('hours', '1', 'hours', 'correct'),
    ('hours', '2', 'hours', 'resume'),
    ('hours', '3', 'hours', 'choose_mode'),
    ('hours', '4', 'hours_entry', 'day'),
    ('hours', '5', 'hours_entry', 'total'),
    ('hours', '6', 'hours_entry', 'summary'),
    ('hours', '7', 'hours_entry', 'pick_day'),
    ('late', '0', 'late', 'how_late'),
    ('new_internship', '0', 'new_internship', 'client_name'),
    ('new_internship', '1', 'new_internship', 'client_language'),
    ('new_internship', '2', 'new_internship', 'workplace'),
    ('new_internship', '3', 'new_internship', 'workplace_name'),
    ('new_internship', '4', 'new_internship', 'workplace_address'),
    ('new_internship', '5', 'new_internship', 'workplace_kind'),
    ('new_internship', '6', 'new_internship', 'contact'),
    ('new_internship', '7', 'new_internship', 'contact_name'),
    -- The weekdays are still asked by part one; their answer starts part two.
    ('new_internship', '8', 'new_internship', 'days'),
    ('new_internship', '9', 'new_internship_plan', 'hours'),
    ('new_internship', '10', 'new_internship_plan', 'start'),
    ('new_internship', '11', 'new_internship_plan', 'length'),
    ('new_internship', '12', 'new_internship_plan', 'meeting_point'),
    ('new_internship', '13', 'new_internship_plan', 'first_day_contact'),
    ('new_internship', '14', 'new_internship_plan', 'what_to_bring'),
    ('new_internship', '15', 'new_internship_plan', 'dutch_lessons'),
    ('new_internship', '16', 'new_internship_plan', 'confirm'),
    ('no_show', '0', 'no_show', 'pick'),
    ('no_show', '1', 'no_show', 'confirm'),
    ('notification_settings', '0', 'notification_settings', 'choosing'),
    ('notification_settings', '1', 'notification_settings', 'time'),
    ('sick_report', '0', 'sick_report', 'from'),
    ('sick_report', '1', 'sick_report', 'from_date'),
    ('sick_report', '2', 'sick_report', 'length'),
    ('sick_report', '3', 'sick_report', 'length_date'),
    ('sick_report', '4', 'sick_report', 'doctor'),
    ('sick_report', '5', 'sick_report', 'confirm'),
    ('sick_report', '6', 'sick_report', 'certificate'),
    ('sick_report', '7', 'sick_report', 'open_report'),
    -- Sick longer and "I am better" are sub-flows nested in the sick report.
    ('sick_report', '8', 'sick_longer', 'confirm'),
    ('sick_report', '9', 'sick_better', 'back'),
    ('sick_report', '10', 'sick_better', 'back_date'),
    ('sick_report', '11', 'sick_better', 'confirm');

-- A conversation that already has a row under its new name keeps it (only a database
-- that ran both releases could have one); the old row is then ended below.
UPDATE OR IGNORE conversation_states
SET (name, state) = (
    SELECT s.new_name, json_quote(s.new_state) FROM named_states s
    WHERE s.name = conversation_states.name AND s.state = conversation_states.state)
WHERE (name, state) IN (SELECT name, state FROM named_states);

DROP TABLE named_states;

-- 3. What is still a number is a step that no longer exists: the conversation ends.
DELETE FROM conversation_states
WHERE CASE WHEN json_valid(state) THEN json_type(state) <> 'text' ELSE 1 END;
