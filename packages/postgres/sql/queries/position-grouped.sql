-- position-grouped: what core's groupPosition() reads for a ready job of a grouped queue.
--
-- @param id: string
-- @param now: number
-- @param queue: string
-- @returns { higher: number; rank: number; own_group: string; own_turn: number | null;
--   own_weight: number; own_used: number; grp: string | null; turn: number | null;
--   weight: number | null; used: number | null; ready: number | null }
-- Returns: one row per other group holding a turn stamp at the job's level (grp, turn, weight,
--   used, ready), each with the job's own columns; a single row with grp NULL (and the other
--   group's columns NULL) when there is none; no row when the job is unknown, of another queue,
--   not queued, or scheduled. own_turn is NULL only when the job's group has no stamp.
-- Guarantees: one statement, one snapshot. higher = ready jobs at higher levels (two range
--   counts, on jobs_queued and jobs_grouped); rank = ready jobs of its group at its level sorting
--   before it (one range count on its group's index); ready = the other group's ready jobs at
--   the level, read only up to core's weightedBound: with k = (rank + u') / w of the job's group
--   (integer division), takenInRounds(h, k + [h's turn before the job's]) =
--   greatest(0, rounds * w_h - u'_h), where w is a group's weight and u' = least(used, w - 1).
--   A LATERAL bounded count per stamp (index-only seeks), O(groups) seeks plus the entries
--   ahead, never O(jobs). '' names the default group (ungrouped jobs, jobs_queued), whose weight
--   is 1. Weights (group_settings, one primary-key seek per named group) are read only when the
--   queue's weighted flag is set (since 0014); otherwise every weight is 1 and the bounds are
--   0013's rank + [before].
WITH k AS MATERIALIZED (
  -- MATERIALIZED: the counts below run once, not once per other group's row.
  SELECT j.queue, j.priority, coalesce(j.grp, '') AS g, t.turn AS own_turn, coalesce(q.weighted, false) AS weighted,
    CASE WHEN q.weighted AND j.grp IS NOT NULL THEN coalesce(
      (SELECT s.weight FROM {{schema}}.group_settings s WHERE s.queue = j.queue AND s.grp = j.grp), 1) ELSE 1 END AS own_weight,
    coalesce(t.used, 0) AS own_used,
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
  LEFT JOIN {{schema}}.queues q ON q.name = j.queue
  LEFT JOIN {{schema}}.group_turns t ON t.queue = j.queue AND t.priority = j.priority AND t.grp = coalesce(j.grp, '')
  WHERE j.id = $1 AND j.queue = $3 AND j.state = 'queued' AND j.run_at <= $2
), r AS (
  -- The job's round: (rank + u') / w, integer division of non-negative numbers.
  SELECT k.*, (k.rank + least(k.own_used, k.own_weight - 1)) / k.own_weight AS round FROM k
)
SELECT r.higher::integer AS higher, r.rank::integer AS rank, r.g AS own_group, r.own_turn,
  r.own_weight, r.own_used, o.grp, o.turn, o.weight, o.used, o.ready::integer AS ready
FROM r
LEFT JOIN LATERAL (
  SELECT b.grp, b.turn, b.weight, b.used,
    CASE WHEN b.grp = '' THEN
      (SELECT count(*) FROM (
         SELECT 1 FROM {{schema}}.jobs a
         WHERE a.queue = r.queue AND a.state = 'queued' AND a.grp IS NULL AND a.priority = r.priority AND a.run_at <= $2
         LIMIT b.bound) c)
    ELSE
      (SELECT count(*) FROM (
         SELECT 1 FROM {{schema}}.jobs a
         WHERE a.queue = r.queue AND a.state = 'queued' AND a.grp = b.grp AND a.priority = r.priority AND a.run_at <= $2
         LIMIT b.bound) c)
    END AS ready
  FROM (
    -- Each other stamp with its weight (read once: OFFSET 0 keeps the subquery from being
    -- flattened into the bound and the output) and its bound.
    SELECT w.grp, w.turn, w.weight, w.used,
      greatest(0, (r.round + CASE WHEN (w.turn, w.grp) < (r.own_turn, r.g) THEN 1 ELSE 0 END) * w.weight
        - least(w.used, w.weight - 1)) AS bound
    FROM (
      SELECT t.grp, t.turn, t.used,
        CASE WHEN r.weighted AND t.grp <> '' THEN coalesce(
          (SELECT s.weight FROM {{schema}}.group_settings s WHERE s.queue = t.queue AND s.grp = t.grp), 1) ELSE 1 END AS weight
      FROM {{schema}}.group_turns t
      WHERE t.queue = r.queue AND t.priority = r.priority AND t.grp <> r.g
      OFFSET 0
    ) w
  ) b
) o ON true
