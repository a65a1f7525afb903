-- group-running: a named group's running jobs, every priority level (since 0013), and its starts
-- inside the window of the queue's group rate limit (since 0015).
--
-- @param queue: string
-- @param group: string
-- @param now: number
-- @returns { running: number; starts: string[] | null }
-- Parameters: group is a name, never NULL; now in ms (since 0015).
-- Returns: one row: starts is the group's logged start times (int8 array elements arrive as
--   decimal strings) with at > now - group_rate_interval_ms, in no particular order, when the
--   queue has a group rate limit; NULL when it has none (or no row).
-- Guarantees: one statement. running is one range count on jobs_group_running (named groups'
--   running jobs only), so it costs the group's running jobs, never the jobs queued. starts reads
--   the queue row by its primary key and, only with a limit, the group's range of
--   group_rate_starts_group inside the window (at most about group_rate_max rows). Run in the
--   position inputs' snapshot.
SELECT
  (SELECT count(*)::integer FROM {{schema}}.jobs r
   WHERE r.queue = $1 AND r.state = 'running' AND r.grp = $2) AS running,
  (SELECT CASE WHEN q.group_rate_max IS NOT NULL THEN ARRAY(
     SELECT s.at FROM {{schema}}.group_rate_starts s
     WHERE s.queue = $1 AND s.grp = $2 AND s.at > $3 - q.group_rate_interval_ms
     ORDER BY s.at) END
   FROM {{schema}}.queues q WHERE q.name = $1) AS starts
