-- grouped-counts: a grouped queue's queued grouped jobs, and how many of them are ready.
--
-- Parameters: :queue  the queue; :now  the caller's clock (ms)
-- Returns: one row: `n`, `ready`.
-- Guarantees: index-only on jobs_grouped; added to state-counts.sql's queued row for a grouped
--   queue (state-counts reads the ungrouped jobs only).
SELECT count(*) AS n, total(run_at <= :now) AS ready
FROM jobs
WHERE queue = :queue AND state = 'queued' AND grp IS NOT NULL
