-- remove-schedule: deletes one schedule.
--
-- Parameters: $1 queue; $2 key
-- Returns: the deleted key (no row when there was none).
-- Guarantees: one statement; the jobs the schedule fired stay.
DELETE FROM {{schema}}.schedules WHERE queue = $1 AND key = $2 RETURNING key
