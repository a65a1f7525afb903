-- import-job: writes one whole job as an export carried it (an import or a move).
--
-- Parameters: every jobs column but seq and the lease (lease_token, lease_expires_at, worker_id
--   stay NULL): :id :queue :name :payload (JSON) :state :priority :runAt :attempt :maxAttempts
--   :backoff (JSON or NULL) :timeoutMs :size :idempotencyKey :createdAt :startedAt :finishedAt
--   :cancelRequested (0/1) :progress :result :error (JSON or NULL) :stalls :traceparent :webhook :grp (the group or NULL)
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
