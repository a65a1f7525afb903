-- import-conflicts: the stored jobs an import call may conflict with.
--
-- @param queue: string
-- @param ids: string
-- @param keys: string
-- @returns { id: string; queue: string; state: JobState; idempotency_key: string | null }
-- @use JobState from rows
-- Parameters: :queue is the target queue; :ids a JSON array of the imported ids; :keys a JSON array
--   of their idempotency keys (nulls left out).
-- Returns: every job holding one of the ids (any queue, ids being unique across queues) and every
--   job of :queue holding one of the keys.
-- Guarantees: lookups on the unique indexes of id and of (queue, idempotency_key).
SELECT id, queue, state, idempotency_key FROM jobs WHERE id IN (SELECT value FROM json_each(:ids))
UNION
SELECT id, queue, state, idempotency_key FROM jobs
WHERE queue = :queue AND idempotency_key IN (SELECT value FROM json_each(:keys))
