-- group-queued-bounded: how many queued jobs (ready or scheduled, every level) one named group of
-- a queue holds, counting no further than a bound; for a retry's group_max_waiting check.
--
-- @param queue: string
-- @param grp: string
-- @param bound: number
-- @returns { n: number }
-- Returns: one row, n = min(the group's queued jobs, bound).
-- Guarantees: one bounded seek on jobs_group_queued. Run after the group's lock
--   (admission-lock.sql), in a new statement, so every add to the group committed before counts.
SELECT count(*)::integer AS n FROM (
  SELECT 1 FROM {{schema}}.jobs j WHERE j.queue = $1 AND j.state = 'queued' AND j.grp = $2 LIMIT $3
) bounded
