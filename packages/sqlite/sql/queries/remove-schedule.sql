-- remove-schedule: deletes one schedule.
--
-- @param queue: string
-- @param key: string
-- Returns: nothing; `changes` is 1 when the schedule existed.
-- Guarantees: one statement; the jobs the schedule fired stay.
DELETE FROM schedules WHERE queue = :queue AND key = :key
