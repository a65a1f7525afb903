-- find-idempotent-job: the job of a queue that holds an idempotency key.
--
-- @param queue: string
-- @param idempotencyKey: string | null
-- @returns JobRow
-- @use JobRow from rows
-- Returns: the full jobs row, or no row (always none for a NULL key).
-- Guarantees: lookup on the unique partial index jobs_idempotency.
SELECT * FROM jobs WHERE queue = :queue AND idempotency_key = :idempotencyKey
