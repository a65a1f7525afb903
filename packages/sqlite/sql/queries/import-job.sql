-- import-job: writes one whole job as an export carried it (an import or a move).
--
-- @param id: string
-- @param queue: string
-- @param name: string
-- @param payload: string
-- @param state: JobState
-- @param priority: number
-- @param runAt: number
-- @param attempt: number
-- @param maxAttempts: number
-- @param backoff: string | null
-- @param timeoutMs: number | null
-- @param size: number | null
-- @param idempotencyKey: string | null
-- @param createdAt: number
-- @param startedAt: number | null
-- @param finishedAt: number | null
-- @param cancelRequested: 0 | 1
-- @param progress: string | null
-- @param result: string | null
-- @param error: string | null
-- @param stalls: number
-- @param traceparent: string | null
-- @param webhook: string | null
-- @param grp: string | null
-- @use JobState from rows
-- Parameters: every jobs column but seq and the lease (lease_token, lease_expires_at, worker_id
--   stay NULL); :payload, :backoff, :progress, :result, :error and :webhook are JSON text (NULL for
--   none); :grp is the group, or NULL.
-- Returns: nothing; lastInsertRowid = the new seq.
-- Guarantees: seq (the rowid) is larger than every stored job's, so jobs written in order keep
--   their order. The caller (src/transfer.ts) has removed or refused every conflicting job in the
--   same transaction, so a unique violation here is a bug, not a conflict.
INSERT INTO jobs (
  id, queue, name, payload, state, priority, run_at, attempt, max_attempts, backoff, timeout_ms,
  size, idempotency_key, created_at, started_at, finished_at, cancel_requested, progress, result,
  error, stalls, traceparent, webhook, grp
) VALUES (
  :id, :queue, :name, :payload, :state, :priority, :runAt, :attempt, :maxAttempts, :backoff,
  :timeoutMs, :size, :idempotencyKey, :createdAt, :startedAt, :finishedAt, :cancelRequested,
  :progress, :result, :error, :stalls, :traceparent, :webhook, :grp
)
