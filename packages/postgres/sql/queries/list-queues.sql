-- list-queues: every queue's stored configuration, by name.
--
-- @returns QueueRow
-- @use QueueRow from rows
-- Returns: one row per queue ever created, ordered by name.
-- Guarantees: reads the queues table only.
SELECT name, concurrency, max_size, paused, max_stalls, draining, rate_max, rate_interval_ms,
  group_concurrency, group_max_waiting, group_rate_max, group_rate_interval_ms
FROM {{schema}}.queues ORDER BY name
