-- reclaim-expired: moves every running job whose lease expired before :now out of running.
--
-- @param now: number
-- @param queue: string | null
-- @param error: string
-- @returns JobRow
-- @use JobRow from rows
-- Parameters:
--   :now    the clock of the caller (ms)
--   :queue  one queue, or NULL for every queue
--   :error  JSON object of the error to record, without attempt and at (added here)
-- Returns: every moved row in its new state.
-- Guarantees: one statement. The expired jobs are read among the running jobs only (of every
--   queue, even with :queue given), through jobs_dequeued ('running'), then their rows for queue
--   and lease_expires_at: there are no more of them than jobs run at once, so no index on the
--   expiry has to be kept up to date by every claim, renewal and settle. Each one's queue row
--   gives max_stalls (1 when the row is missing). Then, per job:
--   * a requested cancel ends `cancelled` (error and attempt untouched);
--   * stalls < max_stalls (forgiven): `queued` with run_at kept (its place, as a released job) and
--     attempt one lower (never below 0), so the lost attempt is not spent;
--   * attempts left: `queued` at run_at = :now, the back of its priority level;
--   * otherwise `failed`.
--   stalls grows by one in every case. All but the cancelled record :error with the attempt that
--   was lost (before any hand-back) and :now. The lease is cleared, so the old owner's settle
--   misses its guard.
WITH expired AS (
  SELECT e.seq,
    e.cancel_requested = 0 AND e.stalls < coalesce(q.max_stalls, 1) AS forgiven,
    e.cancel_requested = 0 AND (e.stalls < coalesce(q.max_stalls, 1) OR e.attempt < e.max_attempts) AS requeued
  FROM jobs AS e LEFT JOIN queues AS q ON q.name = e.queue
  WHERE e.state = 'running' AND (:queue IS NULL OR e.queue = :queue) AND e.lease_expires_at < :now
)
UPDATE jobs SET
  state = CASE
    WHEN jobs.cancel_requested = 1 THEN 'cancelled'
    WHEN x.requeued THEN 'queued'
    ELSE 'failed'
  END,
  attempt = CASE WHEN x.forgiven THEN max(jobs.attempt - 1, 0) ELSE jobs.attempt END,
  run_at = CASE WHEN x.requeued AND NOT x.forgiven THEN :now ELSE jobs.run_at END,
  finished_at = CASE WHEN x.requeued THEN NULL ELSE :now END,
  stalls = jobs.stalls + 1,
  error = CASE
    WHEN jobs.cancel_requested = 1 THEN jobs.error
    ELSE json_set(:error, '$.attempt', jobs.attempt, '$.at', :now)
  END,
  lease_token = NULL,
  lease_expires_at = NULL
FROM expired AS x
WHERE jobs.seq = x.seq
RETURNING *
