-- list-groups: one page of the named groups of a queue, by name, with their queued (ready and
-- scheduled, every level) and running jobs and their weights: listGroups.
--
-- @param queue: string
-- @param now: number
-- @param after: string
-- @param take: number
-- @returns { grp: string; ready: number; scheduled: number; running: number; weight: number }
-- Parameters: :now is the clock of the read (ms): a queued job is ready when run_at <= :now; :after
--   only names strictly greater ('' for the first page: every named group sorts after it, and ''
--   is the default group's stamp, never listed); :take the most rows (the page limit + 1, so the
--   caller sees whether more groups follow)
-- Returns: one row per group with its queued jobs split at :now, its running jobs and its weight
--   (stored, or 1), ordered by grp (BINARY: UTF-8 byte order, which is code-point order); at most
--   :take rows; a named group is listed when it holds a queued or a running job or has a
--   group_settings row.
-- Guarantees: one statement, so one snapshot. The names are a merge of three walks in grp order,
--   each stopping at :take names: group_turns' primary key (queue, grp, priority), keeping a
--   stamp only when jobs_grouped holds a queued job of the group at its level (one seek: a remove,
--   cancel or changePriority can leave a stale stamp); jobs_group_running (queue, grp); and
--   group_settings' primary key (queue, grp). Only the at most :take names kept are counted: each
--   group's queued jobs level by level on its stamps (exact, see group-queued-bounded.sql), two
--   index-only range counts on jobs_grouped (queue, priority, grp, run_at) split at :now; its
--   running jobs on jobs_group_running; its weight with one primary-key seek. The cost is
--   O(names walked + the listed groups' jobs), never a pass over the queue's other jobs.
--   CAST: see claim.sql.
WITH names AS (
  SELECT t.grp FROM group_turns AS t
  WHERE t.queue = :queue AND t.grp > :after
    AND EXISTS (
      SELECT 1 FROM jobs AS j
      WHERE j.queue = :queue AND j.state = 'queued' AND j.priority = t.priority AND j.grp = t.grp
    )
  UNION
  SELECT grp FROM jobs WHERE queue = :queue AND state = 'running' AND grp > :after
  UNION
  SELECT grp FROM group_settings WHERE queue = :queue AND grp > :after
  ORDER BY 1
  LIMIT CAST(:take AS INTEGER)
)
SELECT
  n.grp AS grp,
  (
    SELECT count(*) FROM group_turns AS t CROSS JOIN jobs AS j
    WHERE t.queue = :queue AND t.grp = n.grp
      AND j.queue = :queue AND j.state = 'queued' AND j.priority = t.priority AND j.grp = n.grp
      AND j.run_at <= :now
  ) AS ready,
  (
    SELECT count(*) FROM group_turns AS t CROSS JOIN jobs AS j
    WHERE t.queue = :queue AND t.grp = n.grp
      AND j.queue = :queue AND j.state = 'queued' AND j.priority = t.priority AND j.grp = n.grp
      AND j.run_at > :now
  ) AS scheduled,
  (SELECT count(*) FROM jobs WHERE queue = :queue AND state = 'running' AND grp = n.grp) AS running,
  coalesce((SELECT weight FROM group_settings WHERE queue = :queue AND grp = n.grp), 1) AS weight
FROM names AS n
ORDER BY n.grp
