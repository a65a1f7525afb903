-- get-queue: one queue's stored configuration.
--
-- Parameters: :name  the queue name
-- Returns: the queues row, or no row when the queue was never configured nor added to.
-- Guarantees: primary-key lookup.
SELECT name, concurrency, max_size, paused, max_stalls, draining, rate_max, rate_interval_ms, grouped, group_concurrency, group_max_waiting,
  group_rate_max, group_rate_interval_ms FROM queues WHERE name = :name
