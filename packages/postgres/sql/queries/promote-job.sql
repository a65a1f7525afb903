-- promote-job: makes a queued job ready now.
--
-- @param id: string
-- @param now: number
-- @param queue: string
-- @returns { job: JobJson; sent: string }
-- @use JobJson from rows
-- Parameters: queue: a job of another queue is never touched.
-- Returns: the `job` (run_at = least(run_at, now)) and `sent` (the empty result of the NOTIFY), or
--   none when it is not queued.
-- Guarantees: a ready job is unchanged; NOTIFY {"q", "k": "added"} at commit.
WITH p AS (
  UPDATE {{schema}}.jobs j SET run_at = least(j.run_at, $2)
  WHERE j.id = $1 AND j.queue = $3 AND j.state = 'queued'
  RETURNING j.*
)
SELECT row_to_json(p) AS job,
  pg_notify({{channel}}, json_build_object('q', p.queue, 'k', 'added', 'r', p.run_at)::text) AS sent
FROM p
