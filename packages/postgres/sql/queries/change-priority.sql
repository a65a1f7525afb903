-- change-priority: gives a queued job a new priority.
--
-- Parameters: $1 id; $2 priority; $3 queue (another queue's job is never touched)
-- Returns: the `job` in its new state, or none when it is not queued.
-- Guarantees: its place in jobs_queued (and so its position) follows in the same statement.
UPDATE {{schema}}.jobs j SET priority = $2
WHERE j.id = $1 AND j.queue = $3 AND j.state = 'queued'
RETURNING row_to_json(j) AS job
