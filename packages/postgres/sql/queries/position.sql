-- position: the 1-based position of a job among the ready jobs of its queue.
--
-- @param id: string
-- @param now: number
-- @param queue: string
-- @returns { position: number | null; grouped: boolean }
-- Returns: one row, or none when the job is unknown, of another queue, not queued, or scheduled.
-- Guarantees: 1 + the ready jobs that sort before it by (priority DESC, run_at, seq): every
--   higher priority (ready ones), then its own priority up to (run_at, seq); one statement reads
--   one snapshot. Each level is counted up to a bound (now for a higher level, the job's
--   (run_at, seq) for its own) from queued_counts (since 0017): the 70-minute buckets before the
--   bound's, the 33-second ones before it inside that, the 256-ms ones before it inside that, and
--   an index-only count of jobs_queued from the start of the bound's 256-ms bucket to the bound.
--   So the cost follows the number of levels, the queue's span of run_at (one row per 70 minutes)
--   and the jobs in one 256-ms bucket, not the jobs ahead. The higher levels are found by a
--   loose index scan of queued_counts (one seek per level). For a grouped queue (since 0012)
--   position is NULL, grouped true and nothing is counted: position-grouped.sql gives its position.
WITH RECURSIVE target AS (
  SELECT j.priority, j.run_at, j.seq, coalesce(q.grouped, false) AS grouped
  FROM {{schema}}.jobs j
  LEFT JOIN {{schema}}.queues q ON q.name = j.queue
  WHERE j.id = $1 AND j.queue = $3 AND j.state = 'queued' AND j.run_at <= $2
), higher (priority) AS (
  SELECT (SELECT min(c.priority) FROM {{schema}}.queued_counts c WHERE c.queue = $3 AND c.priority > t.priority)
  FROM target t
  UNION ALL
  SELECT (SELECT min(c.priority) FROM {{schema}}.queued_counts c WHERE c.queue = $3 AND c.priority > h.priority)
  FROM higher h WHERE h.priority IS NOT NULL
), bounds (priority, run_at, seq) AS (
  SELECT h.priority, $2::bigint, 9223372036854775807::bigint FROM higher h WHERE h.priority IS NOT NULL
  UNION ALL
  SELECT t.priority, t.run_at, t.seq FROM target t
)
SELECT CASE WHEN t.grouped THEN NULL ELSE (1 + (
  SELECT coalesce(sum(
      (SELECT coalesce(sum(c.n), 0) FROM {{schema}}.queued_counts c
       WHERE c.queue = $3 AND c.priority = b.priority AND c.bits = 22 AND c.bucket < b.run_at >> 22)
    + (SELECT coalesce(sum(c.n), 0) FROM {{schema}}.queued_counts c
       WHERE c.queue = $3 AND c.priority = b.priority AND c.bits = 15
         AND c.bucket >= (b.run_at >> 22) << 7 AND c.bucket < b.run_at >> 15)
    + (SELECT coalesce(sum(c.n), 0) FROM {{schema}}.queued_counts c
       WHERE c.queue = $3 AND c.priority = b.priority AND c.bits = 8
         AND c.bucket >= (b.run_at >> 15) << 7 AND c.bucket < b.run_at >> 8)
    + (SELECT count(*) FROM {{schema}}.jobs a
       WHERE a.queue = $3 AND a.state = 'queued' AND a.grp IS NULL AND a.priority = b.priority
         AND a.run_at >= (b.run_at >> 8) << 8 AND (a.run_at, a.seq) < (b.run_at, b.seq))
  ), 0) FROM bounds b))::bigint END AS position,
  t.grouped
FROM target t
