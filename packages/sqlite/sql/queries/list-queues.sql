-- list-queues: every queue's stored configuration, by name.
--
-- @returns QueueRow
-- @use QueueRow from rows
-- Parameters: none.
-- Returns: one queues row per queue ever configured or added to, ordered by name.
-- Guarantees: reads the queues table only.
SELECT name, concurrency, max_size, paused, max_stalls, draining, rate_max, rate_interval_ms, grouped, group_concurrency, group_max_waiting,
  group_rate_max, group_rate_interval_ms FROM queues ORDER BY name
