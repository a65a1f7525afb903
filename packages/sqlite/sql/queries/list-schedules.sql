-- list-schedules: every schedule of a queue, by key.
--
-- @param queue: string
-- @returns SqliteScheduleRow
-- @use SqliteScheduleRow from rows
-- Returns: schedules rows ordered by key (BINARY collation: code-unit order for the UTF-8 keys
--   core allows).
-- Guarantees: reads the schedules table only.
SELECT queue, key, cron, tz, every_ms, catch_up, payload, options, next_run_at, last_run_at, created_at, updated_at
FROM schedules WHERE queue = :queue ORDER BY key
