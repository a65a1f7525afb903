-- cancel-job: cancels a queued job, or asks a running one to stop.
--
-- @param id: string
-- @param now: number
-- @param queue: string
-- @returns { job: JobJson; sent: string | null }
-- @use JobJson from rows
-- Parameters: queue: a job of another queue is never touched.
-- Returns: the `job` in its new state, or none when it is neither queued nor running; `sent` is
--   the empty result of the NOTIFY ('', NULL when none was sent).
-- Guarantees: queued ends cancelled at once; running gets cancel_requested and, at commit, a
--   NOTIFY {"q", "k": "cancel", "j": id} reaches the worker that owns it in any process.
WITH c AS (
  UPDATE {{schema}}.jobs j SET
    state = CASE WHEN j.state = 'queued' THEN 'cancelled' ELSE j.state END,
    finished_at = CASE WHEN j.state = 'queued' THEN $2 ELSE j.finished_at END,
    cancel_requested = (j.state = 'running') OR j.cancel_requested
  WHERE j.id = $1 AND j.queue = $3 AND j.state IN ('queued', 'running')
  RETURNING j.*
)
SELECT row_to_json(c) AS job,
  CASE WHEN c.state = 'running'
    THEN pg_notify({{channel}}, json_build_object('q', c.queue, 'k', 'cancel', 'j', c.id)::text) END AS sent
FROM c
