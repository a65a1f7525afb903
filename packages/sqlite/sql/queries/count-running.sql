-- count-running: how many jobs of a queue hold a lease, for the global concurrency check.
--
-- Parameters: :queue  the queue
-- Returns: one column `n`.
-- Guarantees: index-only on jobs_dequeued (state, queue); run inside the claim's
--   BEGIN IMMEDIATE, so no other process can start a job between this count and the claim.
SELECT count(*) AS n FROM jobs WHERE state = 'running' AND queue = :queue
