-- promote-job: makes a scheduled job ready now.
--
-- @param id: string
-- @param queue: string
-- @param now: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :queue is the queue of the job (a job of another queue is never touched); :now the clock of the caller (ms).
-- Returns: the row after the write, or no row when the job is unknown or not queued.
-- Guarantees: guarded by state = 'queued'; run_at only moves earlier (a ready job is unchanged),
--   so a promoted job joins the back of its priority level among ready jobs.
UPDATE jobs SET run_at = min(run_at, :now)
WHERE id = :id AND queue = :queue AND state = 'queued'
RETURNING *
