-- fire-schedule: the compare-and-set of a tick.
--
-- @param queue: string
-- @param key: string
-- @param expected: number
-- @param nextRunAt: number
-- @param hasJob: boolean
-- @param expectedUpdatedAt: number | null
-- @returns { key: string }
-- Parameters: expected is the next_run_at the caller read; hasJob is true when the tick enqueues
--   a job, false when it is skipped.
-- Returns: one row when this call won the tick, none otherwise.
-- Guarantees: writes only while next_run_at still equals $3 (and updated_at $6 when given: a
--   definition declared again since the read is not fired): of several transactions firing one
--   tick, the later ones wait on the row lock, re-check the condition on the committed row and
--   update nothing. last_run_at becomes $3 only for a tick with a job. src/schedules.ts runs it
--   and the tick's enqueue in one transaction, so a refused enqueue rolls the tick back too.
UPDATE {{schema}}.schedules
SET next_run_at = $4, last_run_at = CASE WHEN $5::boolean THEN $3 ELSE last_run_at END
WHERE queue = $1 AND key = $2 AND next_run_at = $3 AND ($6::bigint IS NULL OR updated_at = $6::bigint)
RETURNING key
