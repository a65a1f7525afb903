-- window-counts: how many jobs of a queue completed and failed since :since.
--
-- Parameters: :queue  the queue; :since  now - windowMs
-- Returns: one row: `completed`, `failed`.
-- Guarantees: two index-only range counts on jobs_finished.
SELECT
  (SELECT count(*) FROM jobs
   WHERE queue = :queue AND state = 'completed' AND finished_at >= :since) AS completed,
  (SELECT count(*) FROM jobs
   WHERE queue = :queue AND state = 'failed' AND finished_at >= :since) AS failed
