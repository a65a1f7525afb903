-- claim: leases the next ready jobs of one queue, in the ordering rule's order.
-- Ungrouped jobs only (grp IS NULL, the jobs_queued index): for a queue that is not grouped that is
--   every queued job; a grouped queue's grouped jobs are read by the *-grouped statements.
--
-- @param queue: string
-- @param now: number
-- @param limit: number
-- @param leaseToken: string
-- @param leaseExpiresAt: number
-- @param workerId: string
-- @returns JobRow
-- @use JobRow from rows
-- Parameters:
--   :now             the caller's clock (ms); a queued job with run_at <= :now is ready
--   :limit           most jobs to lease, already capped by the queue's free concurrency
--   :leaseToken      a fresh random UUID; each job's token is ':leaseToken:seq', unique per job
--   :leaseExpiresAt  :now + leaseMs
--   :workerId        the claiming worker
-- Returns: every leased row in its new state. RETURNING order is arbitrary: the caller sorts by
--   the ordering rule.
-- Guarantees: run inside BEGIN IMMEDIATE (src/claim.ts) after the pause and concurrency checks,
--   so no other writer can lease the same rows. The subquery walks jobs_queued (queue, priority
--   DESC, run_at, seq) and stops after :limit ready rows; each leased job leaves jobs_queued and
--   enters jobs_dequeued as ('running', queue). attempt grows by one; the previous attempt's
--   progress, finish time and any stale cancel request are cleared.
--   :limit is wrapped in CAST: SQLite (3.53, bundled with better-sqlite3 12) reads a bare bound
--   LIMIT while planning and then re-prepares the statement every time that parameter is bound
--   again, which cost more than the rest of this statement together.
UPDATE jobs SET
  state = 'running',
  attempt = attempt + 1,
  started_at = :now,
  finished_at = NULL,
  lease_token = :leaseToken || ':' || seq,
  lease_expires_at = :leaseExpiresAt,
  worker_id = :workerId,
  cancel_requested = 0,
  progress = NULL
WHERE seq IN (
  SELECT seq FROM jobs
  WHERE queue = :queue AND state = 'queued' AND grp IS NULL AND run_at <= :now
  ORDER BY priority DESC, run_at, seq
  LIMIT CAST(:limit AS INTEGER)
)
RETURNING *
