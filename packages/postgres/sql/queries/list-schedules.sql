-- list-schedules: every schedule of a queue, by key.
--
-- @param queue: string
-- @returns ScheduleRow
-- @use ScheduleRow from rows
-- Returns: rows ordered by key in code-unit order (COLLATE "C").
-- Guarantees: reads the schedules table only.
SELECT queue, key, cron, tz, every_ms, catch_up, payload, options, next_run_at, last_run_at, created_at, updated_at
FROM {{schema}}.schedules WHERE queue = $1 ORDER BY key COLLATE "C"
