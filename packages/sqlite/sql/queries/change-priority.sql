-- change-priority: gives a queued job a new priority.
--
-- @param id: string
-- @param queue: string
-- @param priority: number
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :queue is the job's queue (another queue's job is never touched).
-- Returns: the row after the write, or no row when the job is unknown or not queued.
-- Guarantees: guarded by state = 'queued'; claims and positions follow at once because both read
--   priority from the same index.
UPDATE jobs SET priority = :priority
WHERE id = :id AND queue = :queue AND state = 'queued'
RETURNING *
