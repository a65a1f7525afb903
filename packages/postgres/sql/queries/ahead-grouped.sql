-- ahead-grouped: the first ready jobs of given groups at one level of a grouped queue.
--
-- @param queue: string
-- @param now: number
-- @param priority: number
-- @param groups: readonly string[]
-- @param limits: readonly number[]
-- @returns { grp: string; name: string; size: number | null }
-- Parameters: priority is the level; groups are names ('' = the default group); limits says how
--   many of each group's first ready jobs to read (same order).
-- Returns: each group's first ready jobs in its own order (run_at, seq), groups in the order given.
-- Guarantees: one LIMITed index-only walk per group (jobs_queued for '', jobs_grouped for a
--   name), so the cost follows the limits, never the number of jobs queued.
SELECT g.grp, x.name, x.size
FROM unnest($4::text[], $5::integer[]) WITH ORDINALITY AS g(grp, lim, o)
CROSS JOIN LATERAL (
  (SELECT a.name, a.size, a.run_at, a.seq FROM {{schema}}.jobs a
   WHERE g.grp = '' AND a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.priority = $3 AND a.run_at <= $2
   ORDER BY a.run_at, a.seq LIMIT g.lim)
  UNION ALL
  (SELECT a.name, a.size, a.run_at, a.seq FROM {{schema}}.jobs a
   WHERE g.grp <> '' AND a.queue = $1 AND a.state = 'queued' AND a.grp = g.grp AND a.priority = $3 AND a.run_at <= $2
   ORDER BY a.run_at, a.seq LIMIT g.lim)
) x
ORDER BY g.o, x.run_at, x.seq
