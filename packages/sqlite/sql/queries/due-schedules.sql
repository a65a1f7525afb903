-- due-schedules: the schedules of a queue whose next tick is at most :until.
--
-- @param queue: string
-- @param until: number
-- @param limit: number
-- @returns SqliteScheduleRow
-- @use SqliteScheduleRow from rows
-- Returns: up to :limit schedules rows by next_run_at, then key.
-- Guarantees: walks the schedules_due index; reads only.
SELECT queue, key, cron, tz, every_ms, catch_up, payload, options, next_run_at, last_run_at, created_at, updated_at
FROM schedules WHERE queue = :queue AND next_run_at <= :until
ORDER BY next_run_at, key LIMIT CAST(:limit AS INTEGER)
