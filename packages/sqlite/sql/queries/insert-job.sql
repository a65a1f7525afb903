-- insert-job: writes one new queued job, unless its idempotency key is already used in its queue.
--
-- Parameters: :id :queue :name :payload (JSON) :priority :runAt :maxAttempts :backoff (JSON or
--   NULL) :timeoutMs :size :idempotencyKey (or NULL) :now (stored as created_at) :traceparent
--   (or NULL) :webhook (JSON or NULL) :grp (the group, or NULL)
-- Returns: nothing; changes = 1 and lastInsertRowid = the new seq when written, changes = 0 when
--   the key matched an existing job of the queue (then nothing was written).
-- Guarantees: seq (the rowid) is larger than every stored job's; a duplicate `id`
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
