-- queued-bounded: how many queued jobs (ready or scheduled) a queue holds, counting no further
-- than a bound; for a retry's max_size check.
--
-- @param queue: string
-- @param bound: number
-- @returns { n: number }
-- Returns: one row, n = min(the ungrouped queued jobs, bound) + min(the named groups', bound).
-- Guarantees: two bounded seeks, on jobs_queued and jobs_group_queued. Run after the size lock
--   (admission-lock.sql), in a new statement, so every add committed before the lock counts.
SELECT
  (SELECT count(*) FROM (SELECT 1 FROM {{schema}}.jobs j
    WHERE j.queue = $1 AND j.state = 'queued' AND j.grp IS NULL LIMIT $2) a)::integer
  + (SELECT count(*) FROM (SELECT 1 FROM {{schema}}.jobs j
    WHERE j.queue = $1 AND j.state = 'queued' AND j.grp IS NOT NULL LIMIT $2) b)::integer AS n
