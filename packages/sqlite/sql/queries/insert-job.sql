-- insert-job: writes one new queued job, unless its idempotency key is already used in its queue.
--
-- @param id: string
-- @param queue: string
-- @param name: string
-- @param payload: string
-- @param priority: number
-- @param runAt: number
-- @param maxAttempts: number
-- @param backoff: string | null
-- @param timeoutMs: number | null
-- @param size: number | null
-- @param idempotencyKey: string | null
-- @param now: number
-- @param traceparent: string | null
-- @param webhook: string | null
-- @param grp: string | null
-- Parameters: :payload, :backoff and :webhook are JSON text (NULL for none); :now is stored as
--   created_at; :grp is the group, or NULL.
-- Returns: nothing; changes = 1 and lastInsertRowid = the new seq when written, changes = 0 when
--   the key matched an existing job of the queue (then nothing was written).
-- Guarantees: seq (the rowid) is larger than that of every stored job; a duplicate `id`
--   is still an error (only the idempotency conflict is ignored). Neither the queue row nor
--   maxSize is checked here: the caller (src/enqueue.ts) does both in the same transaction.
INSERT INTO jobs (
  id, queue, name, payload, state, priority, run_at, attempt, max_attempts, backoff, timeout_ms,
  size, idempotency_key, created_at, traceparent, webhook, grp
) VALUES (
  :id, :queue, :name, :payload, 'queued', :priority, :runAt, 0, :maxAttempts, :backoff, :timeoutMs,
  :size, :idempotencyKey, :now, :traceparent, :webhook, :grp
)
ON CONFLICT (queue, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
