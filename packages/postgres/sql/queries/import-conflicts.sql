-- import-conflicts: the stored jobs an import call may conflict with, locked for the transaction.
--
-- Parameters: $1 the target queue; $2 the imported ids (text[]); $3 their idempotency keys (text[])
-- Returns: (id, queue, state, idempotency_key) of every job holding one of the ids (any queue, ids
--   being unique across queues) and every job of $1 holding one of the keys.
-- Guarantees: lookups on jobs_pkey and jobs_idempotency; FOR UPDATE, so a found job cannot
--   change (be claimed, say) before the import's transaction commits.
SELECT j.id, j.queue, j.state, j.idempotency_key FROM {{schema}}.jobs j
WHERE j.id = ANY ($2::text[]) OR (j.queue = $1 AND j.idempotency_key = ANY ($3::text[]))
FOR UPDATE
