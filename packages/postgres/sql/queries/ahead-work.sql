-- ahead-work: the first ready jobs of a queue in claim order, counted and sized by name.
--
-- @param queue: string
-- @param now: number
-- @param limit: number
-- @returns { name: string; count: number; sized_count: number; size_sum: number }
-- Parameters: limit is at most the exact count of ready jobs ahead of the job, so every row read is
--   ahead of it.
-- Returns: one row per name, ordered by name; counts sum to the rows read, min(limit, ready jobs).
-- Guarantees: for a queue that is not grouped (ungrouped jobs only, since 0012; a grouped queue
--   reads ahead-higher.sql and ahead-grouped.sql). Walks jobs_queued in claim order (priority
--   DESC, run_at, seq) and stops after $3 ready rows, index-only (name and size are INCLUDEd
--   in the index): its cost follows $3, never the number of jobs ahead. Only scheduled rows of higher priorities are passed over.
SELECT name, count(*)::integer AS count, count(size)::integer AS sized_count,
  coalesce(sum(size), 0)::float8 AS size_sum
FROM (
  SELECT a.name, a.size FROM {{schema}}.jobs a
  WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.run_at <= $2
  ORDER BY a.priority DESC, a.run_at, a.seq
  LIMIT $3
) ahead
GROUP BY name
ORDER BY name
