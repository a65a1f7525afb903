-- get-queue: a queue's stored configuration.
--
-- @param name: string
-- @returns QueueRow
-- @use QueueRow from rows
-- Returns: the queue's row, or none for a queue never created.
-- Guarantees: reads the primary key only.
SELECT name, concurrency, max_size, paused, max_stalls, draining, rate_max, rate_interval_ms,
  group_concurrency, group_max_waiting, group_rate_max, group_rate_interval_ms
FROM {{schema}}.queues WHERE name = $1
