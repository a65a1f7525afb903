-- retry-job: moves a failed or cancelled job back to queued, attempts and stalls reset.
--
-- Parameters: $1 id; $2 run_at; $3 queue (another queue's job is never touched)
-- Returns: the `job` in its new state, or none when it is not failed or cancelled.
-- Guarantees: the last error is kept; NOTIFY {"q", "k": "added"} at commit. In a grouped queue
--   the job's group joins turns at its level when it has no stamp there (group_turn()).
WITH r AS (
  UPDATE {{schema}}.jobs j SET state = 'queued', attempt = 0, stalls = 0, run_at = $2, finished_at = NULL,
    lease_token = NULL, lease_expires_at = NULL, cancel_requested = false
  WHERE j.id = $1 AND j.queue = $3 AND j.state IN ('failed', 'cancelled')
  RETURNING j.*
)
SELECT row_to_json(r) AS job,
  pg_notify({{channel}}, json_build_object('q', r.queue, 'k', 'added', 'r', r.run_at)::text) AS sent,
  {{schema}}.group_turn(r.queue, r.priority, r.grp) AS joined
FROM r
