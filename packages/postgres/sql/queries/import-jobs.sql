-- import-jobs: writes whole jobs as an export carried them (an import or a move), in batch order.
--
-- @param queue: string
-- @param jobs: string
-- Parameters: jobs is a JSON array, each with i (its order) and every jobs column but seq and
--   the lease (lease_token, lease_expires_at, worker_id stay NULL), by column name.
-- Guarantees: one statement; seq comes from the identity in ORDER BY i, so jobs keep the order
--   given. The caller (src/transfer.ts) has removed or refused every conflicting job in the same
--   transaction; src/transfer.ts then joins turns (group-mark.sql, group-join.sql). No NOTIFY here: importJobs (core) publishes the wake-up through the notifier.
INSERT INTO {{schema}}.jobs (id, queue, name, payload, state, priority, run_at, attempt,
  max_attempts, backoff, timeout_ms, size, idempotency_key, created_at, started_at, finished_at,
  cancel_requested, progress, result, error, stalls, traceparent, webhook, grp)
SELECT x.id, $1, x.name, coalesce(x.payload, 'null'::json), x.state, x.priority, x.run_at, x.attempt,
  x.max_attempts, x.backoff, x.timeout_ms, x.size, x.idempotency_key, x.created_at, x.started_at,
  x.finished_at, x.cancel_requested, x.progress, x.result, x.error, x.stalls, x.traceparent, x.webhook, x.grp
FROM json_to_recordset($2::json) AS x(i integer, id text, name text, payload json, state text,
  priority integer, run_at bigint, attempt integer, max_attempts integer, backoff json,
  timeout_ms bigint, size double precision, idempotency_key text, created_at bigint,
  started_at bigint, finished_at bigint, cancel_requested boolean, progress json, result json,
  error json, stalls integer, traceparent text, webhook json, grp text)
ORDER BY x.i
