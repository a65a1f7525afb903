-- retry-target: the job a retry by hand moves, locked, with what its queue admits.
--
-- @param id: string
-- @param queue: string
-- @returns { state: string; grp: string | null; max_size: number | null; draining: boolean; group_max_waiting: number | null }
-- Parameters: queue: a job of another queue is not found.
-- Returns: one row, or none when the queue holds no such job.
-- Guarantees: locks the job's row (FOR UPDATE) until the end of the transaction, so its state
--   cannot change between this read and the retry's write. Read after retry-fence.sql, in a new
--   statement, so `draining` is read after the fence was granted.
SELECT j.state, j.grp, q.max_size, q.draining, q.group_max_waiting
FROM {{schema}}.jobs j JOIN {{schema}}.queues q ON q.name = j.queue
WHERE j.id = $1 AND j.queue = $2
FOR UPDATE OF j
