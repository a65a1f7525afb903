-- due-schedules: the schedules of a queue whose next tick is at most $2.
--
-- @param queue: string
-- @param until: number
-- @param limit: number
-- @returns ScheduleRow
-- @use ScheduleRow from rows
-- Parameters: until in ms.
-- Returns: up to limit schedules rows by next_run_at, then key (code-unit order).
-- Guarantees: reads only, through schedules_due.
SELECT queue, key, cron, tz, every_ms, catch_up, payload, options, next_run_at, last_run_at, created_at, updated_at
FROM {{schema}}.schedules WHERE queue = $1 AND next_run_at <= $2
ORDER BY next_run_at, key COLLATE "C" LIMIT $3
