-- import-conflicts: the stored jobs an import call may conflict with, locked for the transaction.
--
-- @param queue: string
-- @param ids: readonly string[]
-- @param keys: readonly string[]
-- @returns { id: string; queue: string; state: JobJson['state']; idempotency_key: string | null }
-- @use JobJson from rows
-- Parameters: queue is the target; ids and keys are the imported jobs' ids and idempotency keys.
-- Returns: every job holding one of the ids (any queue, ids being unique across queues) and
--   every job of the queue holding one of the keys.
-- Guarantees: lookups on jobs_pkey and jobs_idempotency; FOR UPDATE, so a found job cannot
--   change (be claimed, say) before the import's transaction commits.
SELECT j.id, j.queue, j.state, j.idempotency_key FROM {{schema}}.jobs j
WHERE j.id = ANY ($2::text[]) OR (j.queue = $1 AND j.idempotency_key = ANY ($3::text[]))
FOR UPDATE
