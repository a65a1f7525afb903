-- fire-schedule: the compare-and-set of a tick.
--
-- @param queue: string
-- @param key: string
-- @param expected: number
-- @param nextRunAt: number
-- @param hasJob: 0 | 1
-- @param expectedUpdatedAt: number | null
-- Parameters: :expected is the next_run_at the caller read; :hasJob 1 when the tick enqueues a job,
--   0 when it is skipped.
-- Returns: nothing; `changes` is 1 when this call won the tick.
-- Guarantees: writes only when next_run_at still equals :expected (and updated_at
--   :expectedUpdatedAt when given: a definition declared again since the read is not fired), so of several processes
--   firing one tick exactly one changes the row; last_run_at becomes :expected only for a tick
--   with a job. src/schedules.ts runs it and the tick's enqueue in one BEGIN IMMEDIATE
--   transaction, so a refused enqueue rolls the tick back too.
UPDATE schedules
SET next_run_at = :nextRunAt,
    last_run_at = CASE WHEN :hasJob THEN :expected ELSE last_run_at END
WHERE queue = :queue AND key = :key AND next_run_at = :expected
  AND (:expectedUpdatedAt IS NULL OR updated_at = :expectedUpdatedAt)
