-- deregister-worker: forgets a worker.
--
-- @param id: string
-- Parameters: :id is the worker.
-- Returns: nothing; an unknown id is not an error.
-- Guarantees: primary-key delete; the worker's jobs are untouched (their leases expire or settle).
DELETE FROM workers WHERE id = :id
