-- position: the 1-based position of a job among the ready jobs of its queue.
--
-- @param id: string
-- @param now: number
-- @param queue: string
-- @returns { position: number | null; grouped: boolean }
-- Returns: one row, or none when the job is unknown, of another queue, not queued, or scheduled.
-- Guarantees: 1 + the ready jobs that sort before it by (priority DESC, run_at, seq): every
--   higher priority (ready ones), then its own priority up to (run_at, seq). Both counts are
--   index-only scans of jobs_queued; one statement reads one snapshot. For a grouped queue
--   (since 0012) position is NULL, grouped true and neither count runs: position-grouped.sql
--   gives its position.
SELECT CASE WHEN q.grouped THEN NULL ELSE 1
  + (SELECT count(*) FROM {{schema}}.jobs a
     WHERE a.queue = j.queue AND a.state = 'queued' AND a.grp IS NULL AND a.priority > j.priority AND a.run_at <= $2)
  + (SELECT count(*) FROM {{schema}}.jobs a
     WHERE a.queue = j.queue AND a.state = 'queued' AND a.grp IS NULL AND a.priority = j.priority
       AND (a.run_at, a.seq) < (j.run_at, j.seq)) END
  AS position, coalesce(q.grouped, false) AS grouped
FROM {{schema}}.jobs j
LEFT JOIN {{schema}}.queues q ON q.name = j.queue
WHERE j.id = $1 AND j.queue = $3 AND j.state = 'queued' AND j.run_at <= $2
