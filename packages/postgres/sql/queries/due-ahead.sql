-- due-ahead: the scheduled jobs of a queue that outrank a priority, in the order they come due.
--
-- @param queue: string
-- @param now: number
-- @param priority: number
-- @param limit: number
-- @returns { name: string; size: number | null; run_at: number }
-- Parameters: priority is the waiting job's; only strictly higher levels are read. limit > 0.
-- Returns: queued jobs with run_at > now and a priority above priority, grouped or not, by
--   (run_at, seq), at most limit (position inputs' dueAhead).
-- Guarantees: one statement, one snapshot. Neither queued index is in run_at order across
--   levels (a plain range over priority > $3 had the planner read the queue's jobs by
--   jobs_queue_seq or a bitmap of jobs_group_queued), so the statement walks each run that is
--   in run_at order and merges. Ungrouped jobs: lv finds each level above priority with one
--   index-only seek of jobs_queued per level (a loose index scan), then each level's scheduled
--   entries are one range of jobs_queued (queue, priority, run_at > now) read up to limit.
--   Grouped jobs: gl finds each (level, group) above priority with at most two index-only seeks
--   of jobs_grouped per pair (the next group at the level, else the first group of the next
--   level), then each pair's scheduled entries are one range of jobs_grouped (queue, priority,
--   grp, run_at > now) read up to limit (on skewed statistics the planner may take that range by
--   a bitmap and sort it: still only that pair's scheduled entries). Ready entries and lower
--   levels are never walked and jobs is never scanned (test/due-ahead.test.ts checks the plan).
--   Cost: O(levels + pairs above) seeks plus at most limit entries per level or pair, never more
--   than the higher levels' queued entries.
WITH RECURSIVE lv(priority) AS (
  SELECT (SELECT a.priority FROM {{schema}}.jobs a
          WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.priority > $3
          ORDER BY a.priority DESC LIMIT 1)
  UNION ALL
  SELECT (SELECT a.priority FROM {{schema}}.jobs a
          WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.priority > $3 AND a.priority < lv.priority
          ORDER BY a.priority DESC LIMIT 1)
  FROM lv WHERE lv.priority IS NOT NULL
), gl(priority, grp) AS (
  (SELECT a.priority, a.grp FROM {{schema}}.jobs a
   WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NOT NULL AND a.priority > $3
   ORDER BY a.priority DESC, a.grp LIMIT 1)
  UNION ALL
  SELECT n.priority, n.grp FROM gl CROSS JOIN LATERAL (
    SELECT x.priority, x.grp FROM (
      (SELECT a.priority, a.grp FROM {{schema}}.jobs a
       WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NOT NULL AND a.priority = gl.priority AND a.grp > gl.grp
       ORDER BY a.grp LIMIT 1)
      UNION ALL
      (SELECT a.priority, a.grp FROM {{schema}}.jobs a
       WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NOT NULL AND a.priority > $3 AND a.priority < gl.priority
       ORDER BY a.priority DESC, a.grp LIMIT 1)
    ) x
    ORDER BY x.priority DESC, x.grp LIMIT 1
  ) n
)
SELECT d.name, d.size, d.run_at FROM (
  SELECT s.name, s.size, s.run_at, s.seq FROM lv CROSS JOIN LATERAL (
    SELECT a.name, a.size, a.run_at, a.seq FROM {{schema}}.jobs a
    WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NULL AND a.priority = lv.priority AND a.run_at > $2
    ORDER BY a.run_at, a.seq LIMIT $4
  ) s
  UNION ALL
  SELECT s.name, s.size, s.run_at, s.seq FROM gl CROSS JOIN LATERAL (
    SELECT a.name, a.size, a.run_at, a.seq FROM {{schema}}.jobs a
    WHERE a.queue = $1 AND a.state = 'queued' AND a.grp IS NOT NULL AND a.grp = gl.grp AND a.priority = gl.priority
      AND a.run_at > $2
    ORDER BY a.run_at, a.seq LIMIT $4
  ) s
) d
ORDER BY d.run_at, d.seq
LIMIT $4
