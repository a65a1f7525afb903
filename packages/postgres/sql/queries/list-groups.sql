-- list-groups: one page of the named groups of a queue, by name in code-point order (COLLATE "C"),
-- each with its ready, scheduled and running jobs and its weight (listGroups, since 0016).
--
-- @param queue: string
-- @param now: number
-- @param after: string
-- @param limit: number
-- @returns { grp: string; ready: number; scheduled: number; running: number; weight: number }
-- Parameters: now in ms (a queued job with run_at <= now is ready, else scheduled); after: only
--   names sorting strictly after it ('' for the first page: every named group sorts after '');
--   limit is the most rows (the limit of the page + 1, so the caller sees whether more follow).
-- Returns: up to limit rows ordered by grp COLLATE "C": the named groups (never the default
--   group, NULL here) holding a queued or running job or a group_settings row; weight is the
--   stored one or 1.
-- Guarantees: one statement, so one snapshot. The names come from two walks of at most $4 steps
--   each, one LIMIT 1 seek per step: jobs_group_names (queued and running jobs of named groups)
--   and group_settings_names; their union is cut to the first $4 names. Each listed group is then
--   counted by an index-only range scan of its own entries in jobs_group_names and its weight read
--   by group_settings' primary key. The cost is bounded by the page and its groups' jobs, never
--   by the other groups or jobs of the queue.
WITH RECURSIVE walked (grp, n) AS (
  (SELECT j.grp COLLATE "C", 1 FROM {{schema}}.jobs j
   WHERE j.queue = $1 AND j.state IN ('queued', 'running') AND j.grp IS NOT NULL AND j.grp COLLATE "C" > $3
   ORDER BY j.grp COLLATE "C" LIMIT 1)
  UNION ALL
  SELECT nxt.grp, w.n + 1 FROM walked w
  CROSS JOIN LATERAL (
    SELECT j.grp COLLATE "C" AS grp FROM {{schema}}.jobs j
    WHERE j.queue = $1 AND j.state IN ('queued', 'running') AND j.grp IS NOT NULL AND j.grp COLLATE "C" > w.grp
    ORDER BY j.grp COLLATE "C" LIMIT 1
  ) nxt
  WHERE w.n < $4
),
names AS (
  SELECT w.grp FROM walked w
  UNION
  (SELECT s.grp COLLATE "C" FROM {{schema}}.group_settings s
   WHERE s.queue = $1 AND s.grp COLLATE "C" > $3
   ORDER BY s.grp COLLATE "C" LIMIT $4)
),
page AS (
  SELECT p.grp FROM names p ORDER BY p.grp COLLATE "C" LIMIT $4
)
SELECT p.grp::text AS grp, c.ready, c.scheduled, c.running, coalesce(s.weight, 1) AS weight
FROM page p
CROSS JOIN LATERAL (
  SELECT
    count(*) FILTER (WHERE j.state = 'queued' AND j.run_at <= $2)::integer AS ready,
    count(*) FILTER (WHERE j.state = 'queued' AND j.run_at > $2)::integer AS scheduled,
    count(*) FILTER (WHERE j.state = 'running')::integer AS running
  FROM {{schema}}.jobs j
  WHERE j.queue = $1 AND j.state IN ('queued', 'running') AND j.grp IS NOT NULL AND j.grp COLLATE "C" = p.grp
) c
LEFT JOIN {{schema}}.group_settings s ON s.queue = $1 AND s.grp = p.grp COLLATE "default"
ORDER BY p.grp COLLATE "C"
