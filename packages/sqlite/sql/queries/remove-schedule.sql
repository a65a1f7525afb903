-- remove-schedule: deletes one schedule.
--
-- Parameters: :queue, :key
-- Returns: nothing; `changes` is 1 when the schedule existed.
-- Guarantees: one statement; the jobs the schedule fired stay.
DELETE FROM schedules WHERE queue = :queue AND key = :key
