-- report-progress: writes a running job's progress while its lease is held.
--
-- Parameters: $1 id; $2 lease token; $3 progress (JSON); $4 queue
-- Returns: the `job` in its new state, or none when the lease guard missed or the job is another
--   queue's (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token in the same statement.
UPDATE {{schema}}.jobs j SET progress = $3::json
WHERE j.id = $1 AND j.queue = $4 AND j.state = 'running' AND j.lease_token = $2
RETURNING row_to_json(j) AS job
