-- ahead-work: the ready jobs ahead of a job, counted and sized by name.
--
-- Parameters: $1 queue; $2 priority; $3 run_at; $4 seq; $5 now
-- Returns: (name, count, sized_count, size_sum) per name, ordered by name.
-- Guarantees: the same two index-only ranges of jobs_queued as position.sql (name and size are
--   INCLUDEd in the index).
SELECT name, count(*)::integer AS count, count(size)::integer AS sized_count,
  coalesce(sum(size), 0)::float8 AS size_sum
FROM (
  SELECT a.name, a.size FROM {{schema}}.jobs a
  WHERE a.queue = $1 AND a.state = 'queued' AND a.priority > $2 AND a.run_at <= $5
  UNION ALL
  SELECT a.name, a.size FROM {{schema}}.jobs a
  WHERE a.queue = $1 AND a.state = 'queued' AND a.priority = $2 AND (a.run_at, a.seq) < ($3, $4)
) ahead
GROUP BY name
ORDER BY name
