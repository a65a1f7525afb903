-- get-queue: one queue's stored configuration.
--
-- @param name: string
-- @returns QueueRow
-- @use QueueRow from rows
-- Parameters: :name is the queue.
-- Returns: the queues row, or no row when the queue was never configured nor added to.
-- Guarantees: primary-key lookup.
SELECT name, concurrency, max_size, paused, max_stalls, draining, rate_max, rate_interval_ms, grouped, group_concurrency, group_max_waiting,
  group_rate_max, group_rate_interval_ms FROM queues WHERE name = :name
