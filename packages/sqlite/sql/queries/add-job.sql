-- add-job: adds one queued job in one autocommit statement when its queue exists, is not draining
-- and has room,
-- the fast path of a single add.
--
-- Only for an ungrouped job (grp stays NULL).
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
-- Parameters: as insert-job.sql but without :grp; :payload, :backoff and :webhook are JSON text (NULL
--   for none), :now is stored as created_at.
-- Returns: nothing; changes = 1 and lastInsertRowid = the new seq when written. changes = 0 when
--   nothing was written, for any of five reasons the caller does not tell apart: the queue has
--   no row yet, it is grouped (its adds join turns, src/enqueue.ts), it is draining, it holds maxSize queued jobs, or the idempotency key is taken in the queue. The
--   caller then runs the full add in a transaction (src/enqueue.ts), which decides which.
-- Guarantees: the queue row is read and the queued jobs counted (index-only on jobs_queued,
--   stopping at max_size) in the statement that inserts, under the write lock it takes at its
--   start, so maxSize holds across processes without BEGIN IMMEDIATE: a single add costs one
--   statement and one commit. seq and the duplicate-`id` error are as in insert-job.sql.
INSERT INTO jobs (
  id, queue, name, payload, state, priority, run_at, attempt, max_attempts, backoff, timeout_ms,
  size, idempotency_key, created_at, traceparent, webhook
)
SELECT
  :id, :queue, :name, :payload, 'queued', :priority, :runAt, 0, :maxAttempts, :backoff, :timeoutMs,
  :size, :idempotencyKey, :now, :traceparent, :webhook
FROM queues
WHERE name = :queue
  AND draining = 0
  AND grouped = 0
  AND CASE WHEN max_size IS NULL THEN 1 ELSE max_size > (
    SELECT count(*) FROM (
      SELECT 1 FROM jobs WHERE queue = :queue AND state = 'queued' AND grp IS NULL
      LIMIT (SELECT max_size FROM queues WHERE name = :queue)
    )
  ) END
ON CONFLICT (queue, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
