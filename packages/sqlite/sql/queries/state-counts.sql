-- state-counts: how many jobs of a queue are in each state, with queued split by readiness.
--
-- Parameters: :queue  the queue; :now  the caller's clock (ms)
-- Returns: one row per state present: `state`, `n`, `ready` (queued jobs with run_at <= :now;
--   0 for other states).
-- Guarantees: one index-only scan of the queue's entries in jobs_claim_order (run_at is in it).
SELECT state, count(*) AS n, sum(state = 'queued' AND run_at <= :now) AS ready
FROM jobs
WHERE queue = :queue
GROUP BY state
