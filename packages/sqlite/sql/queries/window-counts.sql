-- window-counts: how many jobs of a queue completed and failed since :since.
--
-- @param queue: string
-- @param since: number
-- @returns { completed: number; failed: number }
-- Parameters: :since is now - windowMs.
-- Returns: one row.
-- Guarantees: two index-only range counts on jobs_dequeued (state, queue, finished_at).
SELECT
  (SELECT count(*) FROM jobs
   WHERE state = 'completed' AND queue = :queue AND finished_at >= :since) AS completed,
  (SELECT count(*) FROM jobs
   WHERE state = 'failed' AND queue = :queue AND finished_at >= :since) AS failed
