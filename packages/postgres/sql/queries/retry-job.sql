-- retry-job: moves a failed or cancelled job back to queued, attempts and stalls reset.
--
-- @param id: string
-- @param runAt: number
-- @param queue: string
-- @returns { job: JobJson; sent: string; joined: boolean }
-- @use JobJson from rows
-- Parameters: queue: a job of another queue is never touched.
-- Returns: the `job` in its new state (sent: the empty result of the NOTIFY; joined: true, from
--   group_turn()), or none when it is not failed or cancelled.
-- Guarantees: the last error is kept; NOTIFY {"q", "k": "added"} at commit. In a grouped queue
--   the group of the job joins turns at its level when it has no stamp there (group_turn()).
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
