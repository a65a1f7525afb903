-- remove-schedule: deletes one schedule.
--
-- @param queue: string
-- @param key: string
-- @returns { key: string; woke: string }
-- Returns: the deleted key (no row when there was none), and `woke` (the empty result of the NOTIFY).
-- Guarantees: one statement; the jobs the schedule fired stay. When a row was deleted, NOTIFY
--   {"q", "k": "schedule"} at commit wakes the schedule loops of every process.
WITH gone AS (
  DELETE FROM {{schema}}.schedules WHERE queue = $1 AND key = $2 RETURNING queue, key
)
SELECT gone.key, pg_notify({{channel}}, json_build_object('q', gone.queue, 'k', 'schedule')::text) AS woke
FROM gone
