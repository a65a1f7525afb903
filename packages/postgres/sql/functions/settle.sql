-- settle: settles finished attempts and optionally claims the next jobs, in one transaction.
--
-- Parameters: p_queue; p_now; p_completed [{id, token, result, started_at?}]; p_failed [{id,
--   token, error, retry_at, started_at?}]; p_cancelled [{id, token, error, started_at?}];
--   p_released [{id, token}] (each JSON or NULL);
--   then the claim's p_worker, p_limit (0: no claim), p_lease_ms, p_token as in claim().
-- Returns: (kind, job) rows: 'settled' for each item whose lease guard held, in its new state,
--   then 'claimed' for each job leased. An item absent from the 'settled' rows missed its guard
--   and was not written.
-- Guarantees: every UPDATE is guarded by state = 'running' AND lease_token in the same
--   statement. completed ends completed (even with a late cancel request); failed goes back to
--   queued at retry_at, or failed when retry_at is null, or cancelled when a cancel was
--   requested; cancelled ends cancelled keeping the last error when none is given; released goes
--   back to queued with run_at kept and attempt decremented (cancelled when requested). The claim
--   runs after the settles, so the slots they freed count. When the queue has a concurrency
--   limit, a NOTIFY {"q", "k": "added"} at commit tells idle workers elsewhere a slot is free.
--   Every UPDATE also requires j.queue = p_queue (since 0007): a lease named on another
--   queue's settle misses like a stale token. A completed, failed or cancelled item may carry
--   started_at (since 0009): the handler's real start, stored as started_at (a prefetched job).
--   Groups (since 0012): the failed and released items that went back to queued join turns
--   (group_join(), a no-op for a queue that is not grouped) before the claim runs.
--   Lock order (since 0018): a settle of two items or more first locks every item's row in id
--   order, as the lease renewals lock theirs, so it cannot deadlock with a renewal of the same
--   worker's leases (each UPDATE below locks its rows in whatever order its plan reads them).
--
-- Kept here, not in a migration: src/migrate.ts runs every file of sql/functions after the
-- migrations, in their transaction, whenever it applied at least one (see sql/functions/README.md).
CREATE OR REPLACE FUNCTION {{schema}}.settle(p_queue text, p_now bigint, p_completed json, p_failed json,
  p_cancelled json, p_released json, p_worker text, p_limit integer, p_lease_ms bigint,
  p_token text)
RETURNS TABLE (kind text, job json)
LANGUAGE plpgsql AS $fn$
BEGIN
  IF coalesce(json_array_length(p_completed), 0) + coalesce(json_array_length(p_failed), 0)
     + coalesce(json_array_length(p_cancelled), 0) + coalesce(json_array_length(p_released), 0) > 1 THEN
    PERFORM 1 FROM {{schema}}.jobs j
    WHERE j.id IN (SELECT x.id FROM json_to_recordset(p_completed) AS x(id text)
                   UNION ALL SELECT x.id FROM json_to_recordset(p_failed) AS x(id text)
                   UNION ALL SELECT x.id FROM json_to_recordset(p_cancelled) AS x(id text)
                   UNION ALL SELECT x.id FROM json_to_recordset(p_released) AS x(id text))
      AND j.queue = p_queue AND j.state = 'running'
    ORDER BY j.id
    FOR UPDATE;
  END IF;
  IF p_completed IS NOT NULL THEN
    RETURN QUERY
    UPDATE {{schema}}.jobs j SET state = 'completed', result = x.result, finished_at = p_now,
      started_at = coalesce(x.started_at, j.started_at),
      lease_token = NULL, lease_expires_at = NULL
    FROM json_to_recordset(p_completed) AS x(id text, token text, result json, started_at bigint)
    WHERE j.id = x.id AND j.queue = p_queue AND j.state = 'running' AND j.lease_token = x.token
    RETURNING 'settled'::text, row_to_json(j);
  END IF;
  IF p_failed IS NOT NULL THEN
    RETURN QUERY
    UPDATE {{schema}}.jobs j SET
      started_at = coalesce(x.started_at, j.started_at),
      state = CASE WHEN j.cancel_requested THEN 'cancelled'
                   WHEN x.retry_at IS NOT NULL THEN 'queued' ELSE 'failed' END,
      run_at = CASE WHEN NOT j.cancel_requested AND x.retry_at IS NOT NULL THEN x.retry_at ELSE j.run_at END,
      finished_at = CASE WHEN NOT j.cancel_requested AND x.retry_at IS NOT NULL THEN NULL ELSE p_now END,
      error = x.error, lease_token = NULL, lease_expires_at = NULL
    FROM json_to_recordset(p_failed) AS x(id text, token text, error json, retry_at bigint, started_at bigint)
    WHERE j.id = x.id AND j.queue = p_queue AND j.state = 'running' AND j.lease_token = x.token
    RETURNING 'settled'::text, row_to_json(j);
  END IF;
  IF p_cancelled IS NOT NULL THEN
    RETURN QUERY
    UPDATE {{schema}}.jobs j SET state = 'cancelled', finished_at = p_now,
      started_at = coalesce(x.started_at, j.started_at),
      error = coalesce(x.error, j.error), lease_token = NULL, lease_expires_at = NULL
    FROM json_to_recordset(p_cancelled) AS x(id text, token text, error json, started_at bigint)
    WHERE j.id = x.id AND j.queue = p_queue AND j.state = 'running' AND j.lease_token = x.token
    RETURNING 'settled'::text, row_to_json(j);
  END IF;
  IF p_released IS NOT NULL THEN
    RETURN QUERY
    UPDATE {{schema}}.jobs j SET
      state = CASE WHEN j.cancel_requested THEN 'cancelled' ELSE 'queued' END,
      attempt = CASE WHEN j.cancel_requested THEN j.attempt ELSE greatest(j.attempt - 1, 0) END,
      finished_at = CASE WHEN j.cancel_requested THEN p_now ELSE NULL END,
      lease_token = NULL, lease_expires_at = NULL
    FROM json_to_recordset(p_released) AS x(id text, token text)
    WHERE j.id = x.id AND j.queue = p_queue AND j.state = 'running' AND j.lease_token = x.token
    RETURNING 'settled'::text, row_to_json(j);
  END IF;
  IF coalesce(p_failed, p_released) IS NOT NULL THEN
    PERFORM {{schema}}.group_join(p_queue, ARRAY(
      SELECT x.id FROM json_to_recordset(p_failed) AS x(id text)
      UNION ALL SELECT x.id FROM json_to_recordset(p_released) AS x(id text)));
  END IF;
  -- A limited queue's freed slot may be another process's to take: wake the idle workers.
  IF coalesce(p_completed, p_failed, p_cancelled, p_released) IS NOT NULL
     AND EXISTS (SELECT 1 FROM {{schema}}.queues q WHERE q.name = p_queue AND q.concurrency IS NOT NULL) THEN
    PERFORM pg_notify({{channel}}, json_build_object('q', p_queue, 'k', 'added')::text);
  END IF;
  IF p_limit > 0 THEN
    RETURN QUERY
    SELECT 'claimed'::text, c FROM {{schema}}.claim(p_queue, p_now, p_worker, p_limit, p_lease_ms, p_token) c;
  END IF;
END
$fn$;
