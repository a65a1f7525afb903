-- ahead-higher: the first ready jobs of a grouped queue at levels above one, by the ordering rule.
--
-- @param queue: string
-- @param now: number
-- @param priority: number
-- @param limit: number
-- @returns { name: string; size: number | null }
-- Parameters: only levels higher than priority are read.
-- Returns: rows by (priority DESC, run_at, seq), at most limit.
-- Guarantees: two LIMITed walks (jobs_queued for ungrouped jobs, jobs_grouped for grouped ones)
--   merged; reads at most $4 ready rows of each, plus the scheduled rows passed over.
SELECT h.name, h.size FROM (
  (SELECT a.name, a.size, a.priority, a.run_at, a.seq FROM {{schema}}.jobs a
   WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.priority > $3 AND a.run_at <= $2
   ORDER BY a.priority DESC, a.run_at, a.seq LIMIT $4)
  UNION ALL
  (SELECT a.name, a.size, a.priority, a.run_at, a.seq FROM {{schema}}.jobs a
   WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NOT NULL AND a.priority > $3 AND a.run_at <= $2
   ORDER BY a.priority DESC, a.run_at, a.seq LIMIT $4)
) h
ORDER BY h.priority DESC, h.run_at, h.seq
LIMIT $4
