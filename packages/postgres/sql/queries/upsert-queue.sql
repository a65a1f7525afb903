-- upsert-queue: creates a queue or writes only the fields given.
--
-- @param name: string
-- @param setConcurrency: boolean
-- @param concurrency: number | null
-- @param setMaxSize: boolean
-- @param maxSize: number | null
-- @param setPaused: boolean
-- @param paused: boolean
-- @param now: number
-- @param setMaxStalls: boolean
-- @param maxStalls: number | null
-- @param setDraining: boolean
-- @param draining: boolean
-- @param setRateLimit: boolean
-- @param rateMax: number | null
-- @param rateIntervalMs: number | null
-- @param setGroupConcurrency: boolean
-- @param groupConcurrency: number | null
-- @param setGroupMaxWaiting: boolean
-- @param groupMaxWaiting: number | null
-- @param setGroupRateLimit: boolean
-- @param groupRateMax: number | null
-- @param groupRateIntervalMs: number | null
-- @returns QueueRow & { woke: string | null }
-- @use QueueRow from rows
-- Parameters: each setX says whether to write the field(s) after it; now in ms. rateMax and
--   rateIntervalMs both NULL: no limit; groupMaxWaiting NULL: no cap (since 0013);
--   groupRateMax and groupRateIntervalMs both NULL: no group rate limit (since 0015).
-- Returns: the stored row, and `woke` (the empty result of the NOTIFY when resuming, else NULL).
-- Guarantees: one atomic statement; fields not set keep their stored value (defaults: no limits,
--   not paused, max_stalls 1, not draining, no group caps nor group rate limit). Removing the
--   group rate limit runs before group-rate-starts-clear.sql in one transaction (src/control.ts). Setting draining to true runs after drain-fence.sql in
--   one transaction (src/control.ts; see 0003_draining.sql). When the call sets paused to false, NOTIFY {"q", "k": "added"} wakes idle
--   workers of the queue (sent at commit).
WITH up AS (
  INSERT INTO {{schema}}.queues AS q (name, concurrency, max_size, paused, max_stalls, draining, rate_max, rate_interval_ms,
    group_concurrency, group_max_waiting, group_rate_max, group_rate_interval_ms, updated_at)
  VALUES ($1, CASE WHEN $2::boolean THEN $3::integer END, CASE WHEN $4::boolean THEN $5::integer END,
          CASE WHEN $6::boolean THEN $7::boolean ELSE false END,
          CASE WHEN $9::boolean THEN $10::integer ELSE 1 END,
          CASE WHEN $11::boolean THEN $12::boolean ELSE false END,
          CASE WHEN $13::boolean THEN $14::integer END, CASE WHEN $13::boolean THEN $15::bigint END,
          CASE WHEN $16::boolean THEN $17::integer END, CASE WHEN $18::boolean THEN $19::integer END,
          CASE WHEN $20::boolean THEN $21::integer END, CASE WHEN $20::boolean THEN $22::bigint END, $8)
  ON CONFLICT (name) DO UPDATE SET
    concurrency = CASE WHEN $2::boolean THEN excluded.concurrency ELSE q.concurrency END,
    max_size    = CASE WHEN $4::boolean THEN excluded.max_size ELSE q.max_size END,
    paused      = CASE WHEN $6::boolean THEN excluded.paused ELSE q.paused END,
    max_stalls  = CASE WHEN $9::boolean THEN excluded.max_stalls ELSE q.max_stalls END,
    draining    = CASE WHEN $11::boolean THEN excluded.draining ELSE q.draining END,
    rate_max    = CASE WHEN $13::boolean THEN excluded.rate_max ELSE q.rate_max END,
    rate_interval_ms = CASE WHEN $13::boolean THEN excluded.rate_interval_ms ELSE q.rate_interval_ms END,
    group_concurrency = CASE WHEN $16::boolean THEN excluded.group_concurrency ELSE q.group_concurrency END,
    group_max_waiting = CASE WHEN $18::boolean THEN excluded.group_max_waiting ELSE q.group_max_waiting END,
    group_rate_max = CASE WHEN $20::boolean THEN excluded.group_rate_max ELSE q.group_rate_max END,
    group_rate_interval_ms = CASE WHEN $20::boolean THEN excluded.group_rate_interval_ms ELSE q.group_rate_interval_ms END,
    updated_at  = excluded.updated_at
  RETURNING q.name, q.concurrency, q.max_size, q.paused, q.max_stalls, q.draining, q.rate_max, q.rate_interval_ms,
    q.group_concurrency, q.group_max_waiting, q.group_rate_max, q.group_rate_interval_ms
)
SELECT up.name, up.concurrency, up.max_size, up.paused, up.max_stalls, up.draining, up.rate_max, up.rate_interval_ms,
  up.group_concurrency, up.group_max_waiting, up.group_rate_max, up.group_rate_interval_ms,
  CASE WHEN $6::boolean AND NOT up.paused
    THEN pg_notify({{channel}}, json_build_object('q', up.name, 'k', 'added')::text) END AS woke
FROM up
