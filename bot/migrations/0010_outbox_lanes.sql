-- The lane a message waits in (`bot.limits.Lane`): 0 a reply to the person acting now,
-- 1 an urgent notification, 2 bulk (reminders, digests, other notifications). Messages
-- queued before this version are bulk.
ALTER TABLE outbox ADD COLUMN lane INTEGER NOT NULL DEFAULT 2;
