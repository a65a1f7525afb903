-- ahead-higher: the first ready jobs of a grouped queue at levels above one, by the ordering rule.
--
-- Parameters: $1 queue; $2 now; $3 priority (only higher levels are read); $4 limit
-- Returns: (name, size) rows by (priority DESC, run_at, seq), at most $4.
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
