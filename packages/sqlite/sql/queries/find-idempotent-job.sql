-- find-idempotent-job: the job of a queue that holds an idempotency key.
--
-- Parameters: :queue  the queue; :idempotencyKey  the key
-- Returns: the full jobs row, or no row.
-- Guarantees: lookup on the unique partial index jobs_idempotency.
SELECT * FROM jobs WHERE queue = :queue AND idempotency_key = :idempotencyKey
