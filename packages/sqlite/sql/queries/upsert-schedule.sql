-- upsert-schedule: creates a schedule or replaces its definition.
--
-- @param queue: string
-- @param key: string
-- @param cron: string | null
-- @param tz: string | null
-- @param everyMs: number | null
-- @param catchUp: 'none' | 'one'
-- @param payload: string
-- @param options: string
-- @param nextRunAt: number
-- @param lastRunAt: number | null
-- @param now: number
-- @returns SqliteScheduleRow
-- @use SqliteScheduleRow from rows
-- Parameters: :payload and :options are JSON text; :nextRunAt the first tick core computed;
--   :lastRunAt is written on a new row only.
-- Returns: the schedules row after the write.
-- Guarantees: one statement. When the stored row has the same cron, tz and every_ms (NULLs
--   equal), its next_run_at, last_run_at and created_at are kept, so re-declaring a schedule at
--   start loses no due tick; otherwise next_run_at becomes :nextRunAt. The caller creates the
--   queue row in the same transaction.
INSERT INTO schedules (queue, key, cron, tz, every_ms, catch_up, payload, options, next_run_at, last_run_at, created_at, updated_at)
VALUES (:queue, :key, :cron, :tz, :everyMs, :catchUp, :payload, :options, :nextRunAt, :lastRunAt, :now, :now)
ON CONFLICT (queue, key) DO UPDATE SET
  next_run_at = CASE
    WHEN schedules.cron IS excluded.cron AND schedules.tz IS excluded.tz AND schedules.every_ms IS excluded.every_ms THEN schedules.next_run_at
    ELSE excluded.next_run_at
  END,
  cron       = excluded.cron,
  tz         = excluded.tz,
  every_ms   = excluded.every_ms,
  catch_up   = excluded.catch_up,
  payload    = excluded.payload,
  options    = excluded.options,
  updated_at = MAX(excluded.updated_at, schedules.updated_at + 1)
RETURNING queue, key, cron, tz, every_ms, catch_up, payload, options, next_run_at, last_run_at, created_at, updated_at
