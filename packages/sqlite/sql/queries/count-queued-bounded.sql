-- count-queued-bounded: how many jobs of a queue wait (queued, ready or scheduled), counting no
-- Ungrouped jobs only (grp IS NULL, the jobs_queued index): for a queue that is not grouped that is
--   every queued job; a grouped queue's grouped jobs are read by the *-grouped statements.
-- further than :bound.
--
-- @param queue: string
-- @param bound: number
-- @returns { n: number }
-- Parameters: :bound is the maxSize of the queue.
-- Returns: one row, n = min(queued jobs, :bound).
-- Guarantees: index-only on jobs_queued and bounded, so checking maxSize costs O(maxSize) at
--   worst however many jobs wait; run inside the enqueue's BEGIN IMMEDIATE, so the count cannot
--   change before the inserts commit. CAST keeps the statement from being re-prepared at every
--   binding (see claim.sql).
SELECT count(*) AS n
FROM (SELECT 1 FROM jobs WHERE queue = :queue AND state = 'queued' AND grp IS NULL LIMIT CAST(:bound AS INTEGER))
