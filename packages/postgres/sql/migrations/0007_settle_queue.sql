-- 0007_settle_queue: settle() guards every item by the settle's queue as well as its lease, so
-- a lease named on another queue's settle misses like a stale token (listed in `lost`, nothing
-- written), as it does on every other storage.
--
-- `{{schema}}` and `{{channel}}` are replaced before this runs, as for 0001_init. Applied by
-- src/migrate.ts in one transaction under the advisory lock, like the others.
--
-- Guarantees: settle() is replaced by the function of 0001_init.sql with one change: each of its
--   four UPDATEs also requires j.queue = p_queue. Its signature, result and other guarantees
--   (0001_init.sql) hold as they were; no table changes.
CREATE OR REPLACE FUNCTION {{schema}}.settle(p_queue text, p_now bigint, p_completed json, p_failed json,
  p_cancelled json, p_released json, p_worker text, p_limit integer, p_lease_ms bigint,
  p_token text)
RETURNS TABLE (kind text, job json)
LANGUAGE plpgsql AS $fn$
BEGIN
  IF p_completed IS NOT NULL THEN
    RETURN QUERY
    UPDATE {{schema}}.jobs j SET state = 'completed', result = x.result, finished_at = p_now,
      lease_token = NULL, lease_expires_at = NULL
    FROM json_to_recordset(p_completed) AS x(id text, token text, result json)
    WHERE j.id = x.id AND j.queue = p_queue AND j.state = 'running' AND j.lease_token = x.token
    RETURNING 'settled'::text, row_to_json(j);
  END IF;
  IF p_failed IS NOT NULL THEN
    RETURN QUERY
    UPDATE {{schema}}.jobs j SET
      state = CASE WHEN j.cancel_requested THEN 'cancelled'
                   WHEN x.retry_at IS NOT NULL THEN 'queued' ELSE 'failed' END,
      run_at = CASE WHEN NOT j.cancel_requested AND x.retry_at IS NOT NULL THEN x.retry_at ELSE j.run_at END,
      finished_at = CASE WHEN NOT j.cancel_requested AND x.retry_at IS NOT NULL THEN NULL ELSE p_now END,
      error = x.error, lease_token = NULL, lease_expires_at = NULL
    FROM json_to_recordset(p_failed) AS x(id text, token text, error json, retry_at bigint)
    WHERE j.id = x.id AND j.queue = p_queue AND j.state = 'running' AND j.lease_token = x.token
    RETURNING 'settled'::text, row_to_json(j);
  END IF;
  IF p_cancelled IS NOT NULL THEN
    RETURN QUERY
    UPDATE {{schema}}.jobs j SET state = 'cancelled', finished_at = p_now,
      error = coalesce(x.error, j.error), lease_token = NULL, lease_expires_at = NULL
    FROM json_to_recordset(p_cancelled) AS x(id text, token text, error json)
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
