-- upsert-schedule: creates a schedule or replaces its definition, creating its queue when missing.
--
-- @param queue: string
-- @param key: string
-- @param cron: string | null
-- @param tz: string | null
-- @param everyMs: number | null
-- @param catchUp: string
-- @param payload: string
-- @param options: string
-- @param nextRunAt: number
-- @param now: number
-- @param lastRunAt: number | null
-- @returns ScheduleRow & { woke: string }
-- @use ScheduleRow from rows
-- Parameters: payload and options are JSON text; nextRunAt is the first tick core computed; now
--   in ms; lastRunAt is written on a new row only.
-- Returns: the schedules row after the write, and `woke` (the empty result of the NOTIFY).
-- Guarantees: one statement. When the stored row has the same cron, tz and every_ms (NULLs
--   equal), its next_run_at, last_run_at and created_at are kept, so re-declaring a schedule at
--   start loses no due tick; otherwise next_run_at becomes $9. The queue row is created with the
--   defaults when missing (never changed otherwise). NOTIFY {"q", "k": "schedule"} at commit
--   wakes the schedule loops of every process, so they read the new definition before their poll.
WITH queue_row AS (
  INSERT INTO {{schema}}.queues (name, updated_at) VALUES ($1, $10) ON CONFLICT (name) DO NOTHING
), up AS (
  INSERT INTO {{schema}}.schedules AS s (queue, key, cron, tz, every_ms, catch_up, payload, options, next_run_at, last_run_at, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8::json, $9, $11::bigint, $10, $10)
  ON CONFLICT (queue, key) DO UPDATE SET
    next_run_at = CASE
      WHEN s.cron IS NOT DISTINCT FROM excluded.cron AND s.tz IS NOT DISTINCT FROM excluded.tz
        AND s.every_ms IS NOT DISTINCT FROM excluded.every_ms THEN s.next_run_at
      ELSE excluded.next_run_at
    END,
    cron       = excluded.cron,
    tz         = excluded.tz,
    every_ms   = excluded.every_ms,
    catch_up   = excluded.catch_up,
    payload    = excluded.payload,
    options    = excluded.options,
    updated_at = GREATEST(excluded.updated_at, s.updated_at + 1)
  RETURNING s.queue, s.key, s.cron, s.tz, s.every_ms, s.catch_up, s.payload, s.options, s.next_run_at, s.last_run_at, s.created_at, s.updated_at
)
SELECT up.*, pg_notify({{channel}}, json_build_object('q', up.queue, 'k', 'schedule')::text) AS woke
FROM up
