-- count-grouped-bounded: how many grouped jobs of a queue wait (queued, ready or scheduled),
-- counting no further than :bound.
--
-- @param queue: string
-- @param bound: number
-- @returns { n: number }
-- Parameters: :bound is the queue's maxSize.
-- Returns: one row, n = min(grouped queued jobs, :bound).
-- Guarantees: index-only on jobs_grouped and bounded; with count-queued-bounded.sql (the
--   ungrouped jobs) it gives a grouped queue's maxSize count. Only run for a grouped queue.
SELECT count(*) AS n
FROM (SELECT 1 FROM jobs WHERE queue = :queue AND state = 'queued' AND grp IS NOT NULL LIMIT CAST(:bound AS INTEGER))
