-- report-progress: writes a running job's progress while its lease is held.
--
-- @param id: string
-- @param queue: string
-- @param leaseToken: string
-- @param progress: string
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: :id, :queue and :leaseToken are the proof of ownership; :progress is JSON
--   {percent, stage, data?, updatedAt}.
-- Returns: the row after the write, or no row when the lease is not held or the job is another
--   queue's (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token in the same statement.
UPDATE jobs SET progress = :progress
WHERE id = :id AND queue = :queue AND state = 'running' AND lease_token = :leaseToken
RETURNING *
