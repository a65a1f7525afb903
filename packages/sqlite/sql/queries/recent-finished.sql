-- recent-finished: the most recently finished (completed or failed) jobs of a queue.
--
-- Parameters: :queue  the queue; :limit  how many
-- Returns: `name`, `state`, `size`, `run_at`, `started_at`, `finished_at`, newest finish first.
-- Guarantees: each state is read backwards on jobs_finished and cut at :limit before merging, so
--   the cost is O(:limit) however many jobs finished. Jobs never started are left out.
SELECT * FROM (
  SELECT * FROM (
    SELECT name, state, size, run_at, started_at, finished_at, seq FROM jobs
    WHERE queue = :queue AND state = 'completed' AND finished_at IS NOT NULL
      AND started_at IS NOT NULL
    ORDER BY finished_at DESC, seq DESC
    LIMIT :limit
  )
  UNION ALL
  SELECT * FROM (
    SELECT name, state, size, run_at, started_at, finished_at, seq FROM jobs
    WHERE queue = :queue AND state = 'failed' AND finished_at IS NOT NULL
      AND started_at IS NOT NULL
    ORDER BY finished_at DESC, seq DESC
    LIMIT :limit
  )
)
ORDER BY finished_at DESC, seq DESC
LIMIT :limit
