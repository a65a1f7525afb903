-- group-running: a named group's running jobs, every priority level (since 0013), its starts
-- inside the window of the queue's group rate limit (since 0015), and its ready jobs above a level.
--
-- @param queue: string
-- @param group: string
-- @param now: number
-- @param priority: number
-- @param bound: number
-- @returns { running: number; starts: string[] | null; higher: number }
-- Parameters: group is a name, never NULL; now in ms (since 0015); priority the job's level and
--   bound how far to count `higher`.
-- Returns: one row: starts is the group's logged start times (int8 array elements arrive as
--   decimal strings) with at > now - group_rate_interval_ms, in no particular order, when the
--   queue has a group rate limit; NULL when it has none (or no row). higher = min(the group's
--   ready jobs (run_at <= now) at levels above priority, bound).
-- Guarantees: one statement. running is one range count on jobs_group_running (named groups'
--   running jobs only), so it costs the group's running jobs, never the jobs queued. starts reads
--   the queue row by its primary key and, only with a limit, the group's range of
--   group_rate_starts_group inside the window (at most about group_rate_max rows). higher walks
--   the group's queued jobs on jobs_group_queued, at most bound of them counted. Run in the
--   position inputs' snapshot.
SELECT
  (SELECT count(*)::integer FROM {{schema}}.jobs r
   WHERE r.queue = $1 AND r.state = 'running' AND r.grp = $2) AS running,
  (SELECT CASE WHEN q.group_rate_max IS NOT NULL THEN ARRAY(
     SELECT s.at FROM {{schema}}.group_rate_starts s
     WHERE s.queue = $1 AND s.grp = $2 AND s.at > $3 - q.group_rate_interval_ms
     ORDER BY s.at) END
   FROM {{schema}}.queues q WHERE q.name = $1) AS starts,
  (SELECT count(*)::integer FROM (SELECT 1 FROM {{schema}}.jobs h
   WHERE h.queue = $1 AND h.state = 'queued' AND h.grp = $2 AND h.priority > $4 AND h.run_at <= $3
   LIMIT $5) x) AS higher
