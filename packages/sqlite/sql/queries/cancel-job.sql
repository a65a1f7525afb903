-- cancel-job: cancels a queued job at once, or flags a running job's cancel request.
--
-- @param id: string
-- @param queue: string
-- @param now: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :now is the caller's clock (ms).
-- Returns: the row in its new state, or no row when the job is unknown, of another queue, or in a final state (the
--   caller reads it to tell which, in the same transaction).
-- Guarantees: a queued job ends `cancelled` with finished_at = :now; a running job stays
--   `running` with cancel_requested = 1 until its worker settles it (or its lease expires).
UPDATE jobs SET
  state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
  finished_at = CASE WHEN state = 'queued' THEN :now ELSE finished_at END,
  cancel_requested = CASE WHEN state = 'running' THEN 1 ELSE cancel_requested END
WHERE id = :id AND queue = :queue AND state IN ('queued', 'running')
RETURNING *
