-- reclaim-expired: moves running jobs whose lease expired before now.
--
-- @param now: number
-- @param queue: string | null
-- @param error: string | null
-- @returns { job: JobJson; joined: boolean | null }
-- @use JobJson from rows
-- Parameters: queue NULL for every queue; error is a JSON object without attempt/at.
-- Returns: one `job` per job moved, in its new state (joined: NULL unless queued again).
-- Guarantees: one statement. The queue row of each job gives max_stalls (1 when the row is missing).
--   A job with a cancel request ends cancelled (error and attempt untouched); one whose stalls
--   are below max_stalls (forgiven) is queued again with run_at kept (its place, as a released
--   job) and attempt one lower (never below 0), so the lost attempt is not spent; one with
--   attempts left is queued again at now, the back of its priority level; otherwise failed.
--   stalls grows by one in every case. All but the cancelled record $3 with the attempt that was
--   lost (before any hand-back) and now. FOR UPDATE SKIP LOCKED: a job a worker is settling at
--   this moment is left to that worker. A job queued again in a grouped queue joins turns at its
--   level when its group has no stamp there (group_stamp(), since 0018; in row order before).
WITH r AS (
UPDATE {{schema}}.jobs j SET
  state = CASE WHEN j.cancel_requested THEN 'cancelled'
               WHEN x.requeued THEN 'queued' ELSE 'failed' END,
  attempt = CASE WHEN x.forgiven THEN greatest(j.attempt - 1, 0) ELSE j.attempt END,
  run_at = CASE WHEN x.requeued AND NOT x.forgiven THEN $1 ELSE j.run_at END,
  finished_at = CASE WHEN x.requeued THEN NULL ELSE $1 END,
  stalls = j.stalls + 1,
  error = CASE WHEN j.cancel_requested THEN j.error
               ELSE ($3::jsonb || jsonb_build_object('attempt', j.attempt, 'at', $1))::json END,
  lease_token = NULL,
  lease_expires_at = NULL
FROM (
  SELECT e.id,
    NOT e.cancel_requested AND e.stalls < coalesce(q.max_stalls, 1) AS forgiven,
    NOT e.cancel_requested AND (e.stalls < coalesce(q.max_stalls, 1) OR e.attempt < e.max_attempts) AS requeued
  FROM {{schema}}.jobs e
  LEFT JOIN {{schema}}.queues q ON q.name = e.queue
  WHERE e.state = 'running' AND ($2::text IS NULL OR e.queue = $2) AND e.lease_expires_at < $1
  FOR UPDATE OF e SKIP LOCKED
) x
WHERE j.id = x.id
RETURNING j.*
)
-- Turns are drawn in order of each (queue, level, group)'s lowest seq and the stamps taken in
-- (queue, level, group) order, as group_join() takes them: a sweep beside an add of the same new
-- groups never waits for the add's stamp while holding one the add waits for (they deadlocked).
-- Volatile calls in an ordered select run in its order (the planner evaluates them after the sort).
, pairs AS MATERIALIZED (
  SELECT p.queue, p.priority, p.g, nextval('{{schema}}.group_turn_seq') AS turn
  FROM (SELECT r.queue, r.priority, coalesce(r.grp, '') AS g, min(r.seq) AS first_seq
        FROM r JOIN {{schema}}.queues q ON q.name = r.queue AND q.grouped
        WHERE r.state = 'queued' GROUP BY 1, 2, 3) p
  ORDER BY p.first_seq
), stamped AS MATERIALIZED (
  SELECT count(*) AS n FROM (
    SELECT {{schema}}.group_stamp(s.queue, s.priority, s.g, s.turn) FROM pairs s ORDER BY s.queue, s.priority, s.g
  ) t
)
SELECT row_to_json(r) AS job, CASE WHEN r.state = 'queued' THEN (SELECT n FROM stamped) >= 0 END AS joined
FROM r
