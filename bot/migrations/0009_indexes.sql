-- Performance (measured by `make bench`).
-- The outbox worker takes the oldest pending messages in id order, 100 at a time. With
-- ten thousand reminders queued at once, reading them through this index in id order
-- (and stopping after 100) takes 0.3 ms where sorting every pending row took 13 ms.
CREATE INDEX outbox_queue ON outbox(status, id);
