-- position-grouped: what core's groupPosition() reads for a ready job of a grouped queue.
--
-- Parameters: $1 id; $2 now; $3 queue
-- Returns: one row per other group holding a turn stamp at the job's level (grp, turn, ready),
--   each with the job's (higher, rank, own_group, own_turn); a single row with grp NULL when
--   there is none; no row when the job is unknown, of another queue, not queued, or scheduled.
-- Guarantees: one statement, one snapshot. higher = ready jobs at higher levels (two range
--   counts, on jobs_queued and jobs_grouped); rank = ready jobs of its group at its level sorting
--   before it (one range count on its group's index); ready = the other group's ready jobs at
--   the level, read only up to otherGroupBound(rank, its turn before the job's): a LATERAL
--   bounded count per stamp (index-only seeks), O(groups) seeks plus the entries ahead, never
--   O(jobs). '' names the default group (ungrouped jobs, jobs_queued).
WITH k AS (
  SELECT j.queue, j.priority, coalesce(j.grp, '') AS g, t.turn AS own_turn,
    (SELECT count(*) FROM {{schema}}.jobs a
     WHERE a.queue = j.queue AND a.state = 'queued' AND a.grp IS NULL AND a.priority > j.priority AND a.run_at <= $2)
    + (SELECT count(*) FROM {{schema}}.jobs a
       WHERE a.queue = j.queue AND a.state = 'queued' AND a.grp IS NOT NULL AND a.priority > j.priority AND a.run_at <= $2)
      AS higher,
    CASE WHEN j.grp IS NULL THEN
      (SELECT count(*) FROM {{schema}}.jobs a
       WHERE a.queue = j.queue AND a.state = 'queued' AND a.grp IS NULL AND a.priority = j.priority
         AND (a.run_at, a.seq) < (j.run_at, j.seq))
    ELSE
      (SELECT count(*) FROM {{schema}}.jobs a
       WHERE a.queue = j.queue AND a.state = 'queued' AND a.grp = j.grp AND a.priority = j.priority
         AND (a.run_at, a.seq) < (j.run_at, j.seq))
    END AS rank
  FROM {{schema}}.jobs j
  LEFT JOIN {{schema}}.group_turns t ON t.queue = j.queue AND t.priority = j.priority AND t.grp = coalesce(j.grp, '')
  WHERE j.id = $1 AND j.queue = $3 AND j.state = 'queued' AND j.run_at <= $2
)
SELECT k.higher::integer AS higher, k.rank::integer AS rank, k.g AS own_group, k.own_turn,
  o.grp, o.turn, o.ready::integer AS ready
FROM k
LEFT JOIN LATERAL (
  SELECT t.grp, t.turn,
    CASE WHEN t.grp = '' THEN
      (SELECT count(*) FROM (
         SELECT 1 FROM {{schema}}.jobs a
         WHERE a.queue = k.queue AND a.state = 'queued' AND a.grp IS NULL AND a.priority = k.priority AND a.run_at <= $2
         LIMIT k.rank + CASE WHEN (t.turn, t.grp) < (k.own_turn, k.g) THEN 1 ELSE 0 END) b)
    ELSE
      (SELECT count(*) FROM (
         SELECT 1 FROM {{schema}}.jobs a
         WHERE a.queue = k.queue AND a.state = 'queued' AND a.grp = t.grp AND a.priority = k.priority AND a.run_at <= $2
         LIMIT k.rank + CASE WHEN (t.turn, t.grp) < (k.own_turn, k.g) THEN 1 ELSE 0 END) b)
    END AS ready
  FROM {{schema}}.group_turns t
  WHERE t.queue = k.queue AND t.priority = k.priority AND t.grp <> k.g
) o ON true
