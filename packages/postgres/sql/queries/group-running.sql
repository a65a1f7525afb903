-- group-running: a named group's running jobs, every priority level (since 0013).
--
-- Parameters: $1 queue; $2 group (a name, never NULL)
-- Returns: one row (running).
-- Guarantees: one range count on jobs_group_running (named groups' running jobs only), so it
--   costs the group's running jobs, never the jobs queued. Run in the position inputs' snapshot.
SELECT count(*)::integer AS running FROM {{schema}}.jobs r
WHERE r.queue = $1 AND r.state = 'running' AND r.grp = $2
