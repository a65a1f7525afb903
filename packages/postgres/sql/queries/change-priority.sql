-- change-priority: gives a queued job a new priority.
--
-- @param id: string
-- @param priority: number
-- @param queue: string
-- @returns { job: JobJson; joined: boolean }
-- @use JobJson from rows
-- Parameters: queue: a job of another queue is never touched.
-- Returns: the `job` in its new state (joined: true, from group_turn()), or none when it is not queued.
-- Guarantees: its place in jobs_queued or jobs_grouped (and so its position) follows in the same
--   statement. In a grouped queue its group joins turns at the new level when it has no stamp
--   there (group_turn()); a stamp left at the old level stays (it counts 0 when empty).
WITH c AS (
  UPDATE {{schema}}.jobs j SET priority = $2
  WHERE j.id = $1 AND j.queue = $3 AND j.state = 'queued'
  RETURNING j.*
)
SELECT row_to_json(c) AS job, {{schema}}.group_turn(c.queue, c.priority, c.grp) AS joined
FROM c
