-- upsert-queue: creates a queue or updates only the fields the caller gave.
--
-- @param name: string
-- @param setConcurrency: 0 | 1
-- @param concurrency: number | null
-- @param setMaxSize: 0 | 1
-- @param maxSize: number | null
-- @param setPaused: 0 | 1
-- @param paused: 0 | 1
-- @param setMaxStalls: 0 | 1
-- @param maxStalls: number | null
-- @param setDraining: 0 | 1
-- @param draining: 0 | 1
-- @param setRate: 0 | 1
-- @param rateMax: number | null
-- @param rateIntervalMs: number | null
-- @param setGroupConcurrency: 0 | 1
-- @param groupConcurrency: number | null
-- @param setGroupMaxWaiting: 0 | 1
-- @param groupMaxWaiting: number | null
-- @param setGroupRate: 0 | 1
-- @param groupRateMax: number | null
-- @param groupRateIntervalMs: number | null
-- @param now: number
-- @returns QueueRow
-- @use QueueRow from rows
-- Parameters: each :setX is 1 to write its fields, 0 to keep them:
--   :setConcurrency / :concurrency   NULL = no limit
--   :setMaxSize / :maxSize           NULL = no limit
--   :setPaused / :paused             0 or 1
--   :setMaxStalls / :maxStalls       an integer >= 0 (never NULL when written)
--   :setDraining / :draining         0 or 1
--   :setRate / :rateMax / :rateIntervalMs  both NULL = no limit
--   :setGroupConcurrency / :groupConcurrency  NULL = no cap
--   :setGroupMaxWaiting / :groupMaxWaiting    NULL = no cap
--   :setGroupRate / :groupRateMax / :groupRateIntervalMs  both NULL = no limit
--   :now                      the caller's clock (ms), stored as updated_at
-- Returns: the queue's row after the write.
-- Guarantees: one statement, so two processes upserting different fields never lose either
--   write; a new queue takes the defaults (NULL, NULL, 0, 1, 0, no rate limit, no group caps, no
--   group rate limit) for every field not given. Removing the group rate limit is followed, in
--   the same transaction, by group-rate-starts-clear.sql (src/control.ts).
INSERT INTO queues (name, concurrency, max_size, paused, max_stalls, draining, rate_max, rate_interval_ms, group_concurrency,
  group_max_waiting, group_rate_max, group_rate_interval_ms, updated_at)
VALUES (
  :name,
  CASE WHEN :setConcurrency THEN :concurrency END,
  CASE WHEN :setMaxSize THEN :maxSize END,
  CASE WHEN :setPaused THEN :paused ELSE 0 END,
  CASE WHEN :setMaxStalls THEN :maxStalls ELSE 1 END,
  CASE WHEN :setDraining THEN :draining ELSE 0 END,
  CASE WHEN :setRate THEN :rateMax END,
  CASE WHEN :setRate THEN :rateIntervalMs END,
  CASE WHEN :setGroupConcurrency THEN :groupConcurrency END,
  CASE WHEN :setGroupMaxWaiting THEN :groupMaxWaiting END,
  CASE WHEN :setGroupRate THEN :groupRateMax END,
  CASE WHEN :setGroupRate THEN :groupRateIntervalMs END,
  :now
)
ON CONFLICT (name) DO UPDATE SET
  concurrency = CASE WHEN :setConcurrency THEN excluded.concurrency ELSE concurrency END,
  max_size    = CASE WHEN :setMaxSize THEN excluded.max_size ELSE max_size END,
  paused      = CASE WHEN :setPaused THEN excluded.paused ELSE paused END,
  max_stalls  = CASE WHEN :setMaxStalls THEN excluded.max_stalls ELSE max_stalls END,
  draining    = CASE WHEN :setDraining THEN excluded.draining ELSE draining END,
  rate_max    = CASE WHEN :setRate THEN excluded.rate_max ELSE rate_max END,
  rate_interval_ms = CASE WHEN :setRate THEN excluded.rate_interval_ms ELSE rate_interval_ms END,
  group_concurrency = CASE WHEN :setGroupConcurrency THEN excluded.group_concurrency ELSE group_concurrency END,
  group_max_waiting = CASE WHEN :setGroupMaxWaiting THEN excluded.group_max_waiting ELSE group_max_waiting END,
  group_rate_max = CASE WHEN :setGroupRate THEN excluded.group_rate_max ELSE group_rate_max END,
  group_rate_interval_ms = CASE WHEN :setGroupRate THEN excluded.group_rate_interval_ms ELSE group_rate_interval_ms END,
  updated_at  = excluded.updated_at
RETURNING name, concurrency, max_size, paused, max_stalls, draining, rate_max, rate_interval_ms, grouped, group_concurrency,
  group_max_waiting, group_rate_max, group_rate_interval_ms
