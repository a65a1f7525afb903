-- report-progress: writes a running job's progress while its lease is held.
--
-- @param id: string
-- @param token: string
-- @param progress: string
-- @param queue: string
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: token is the lease token; progress is JSON text.
-- Returns: the `job` in its new state, or none when the lease guard missed or the job is another
--   queue's (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token in the same statement.
UPDATE {{schema}}.jobs j SET progress = $3::json
WHERE j.id = $1 AND j.queue = $4 AND j.state = 'running' AND j.lease_token = $2
RETURNING row_to_json(j) AS job
