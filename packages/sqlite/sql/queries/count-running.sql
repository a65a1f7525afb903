-- count-running: how many jobs of a queue hold a lease, for the global concurrency check.
--
-- @param queue: string
-- @returns { n: number }
-- Returns: one row.
-- Guarantees: index-only on jobs_dequeued (state, queue); run inside the BEGIN
--   IMMEDIATE of the claim, so no other process can start a job between this count and the claim.
SELECT count(*) AS n FROM jobs WHERE state = 'running' AND queue = :queue
