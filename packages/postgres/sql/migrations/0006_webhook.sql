-- 0006_webhook: a job carries its webhook subscription, so deliveries survive the process that
-- added it.
--
-- `{{schema}}` and `{{channel}}` are replaced before this runs, as for 0001_init. Applied by
-- src/migrate.ts in one transaction under the advisory lock, like the others.
--
-- Guarantees:
--   * jobs.webhook holds the job's webhook subscription as core validated and resolved it (a JSON
--     object: url, events, token, includePayload), or NULL when it has none; existing jobs get
--     NULL (ADD COLUMN without a default is a catalog change, no table rewrite). It is `json`
--     like the other JSON columns, so it reads back as written. Every job query returns
--     row_to_json of the whole row, so claim, settle and the reads return it unchanged.
--   * enqueue() is replaced by the function of 0004_traceparent.sql with one change: each job of
--     p_jobs may carry `webhook` (a JSON object or null), written with the job. Its other
--     guarantees (0001_init.sql, 0003_draining.sql, 0004_traceparent.sql) hold as they were.
ALTER TABLE {{schema}}.jobs ADD COLUMN webhook json;

CREATE OR REPLACE FUNCTION {{schema}}.enqueue(p_queue text, p_now bigint, p_jobs json)
RETURNS TABLE (status text, id text, seq bigint, job json)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_max integer;
  v_draining boolean;
  v_ids text[];
  v_seqs bigint[];
  v_first bigint;
  v_queued bigint;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext({{channel}} || ':drain'), hashtext(p_queue));
  SELECT q.max_size, q.draining INTO v_max, v_draining FROM {{schema}}.queues q WHERE q.name = p_queue;
  IF NOT FOUND THEN
    INSERT INTO {{schema}}.queues (name, updated_at) VALUES (p_queue, p_now) ON CONFLICT (name) DO NOTHING;
    SELECT q.max_size, q.draining INTO v_max, v_draining FROM {{schema}}.queues q WHERE q.name = p_queue;
  END IF;
  IF v_draining THEN
    RETURN QUERY SELECT 'draining'::text, NULL::text, NULL::bigint, NULL::json;
    RETURN;
  END IF;
  IF v_max IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext({{channel}} || ':size'), hashtext(p_queue));
  END IF;
  WITH ins AS (
    INSERT INTO {{schema}}.jobs AS j (id, queue, name, payload, state, priority, run_at,
      max_attempts, backoff, timeout_ms, size, idempotency_key, created_at, traceparent,
      webhook)
    SELECT x.id, p_queue, x.name, coalesce(x.payload, 'null'::json), 'queued', x.priority, x.run_at,
      x.max_attempts, x.backoff, x.timeout_ms, x.size, x.idempotency_key, p_now, x.traceparent,
      x.webhook
    FROM json_to_recordset(p_jobs) AS x(i integer, id text, name text, payload json,
      priority integer, run_at bigint, max_attempts integer, backoff json, timeout_ms bigint,
      size double precision, idempotency_key text, traceparent text, webhook json)
    ORDER BY x.i
    ON CONFLICT (queue, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING j.id, j.seq, j.run_at
  )
  SELECT array_agg(ins.id ORDER BY ins.seq), array_agg(ins.seq ORDER BY ins.seq), min(ins.run_at)
  INTO v_ids, v_seqs, v_first FROM ins;
  IF v_ids IS NOT NULL AND v_max IS NOT NULL THEN
    SELECT count(*) INTO v_queued FROM (
      SELECT 1 FROM {{schema}}.jobs q
      WHERE q.queue = p_queue AND q.state = 'queued'
      LIMIT v_max + 1
    ) bounded;
    IF v_queued > v_max THEN
      DELETE FROM {{schema}}.jobs d WHERE d.id = ANY (v_ids);
      RETURN QUERY SELECT 'full'::text, NULL::text, v_max::bigint, NULL::json;
      RETURN;
    END IF;
  END IF;
  IF v_ids IS NOT NULL THEN
    PERFORM pg_notify({{channel}}, json_build_object('q', p_queue, 'k', 'added', 'r', v_first)::text);
    RETURN QUERY SELECT 'inserted'::text, u.id, u.seq, NULL::json FROM unnest(v_ids, v_seqs) AS u(id, seq);
  END IF;
  IF coalesce(cardinality(v_ids), 0) < json_array_length(p_jobs) THEN
    RETURN QUERY
    SELECT 'existing'::text, x.id, NULL::bigint, row_to_json(s)
    FROM json_to_recordset(p_jobs) AS x(id text, idempotency_key text)
    LEFT JOIN unnest(coalesce(v_ids, '{}')) AS done(id) ON done.id = x.id
    JOIN {{schema}}.jobs s ON s.queue = p_queue AND s.idempotency_key = x.idempotency_key
    WHERE done.id IS NULL AND x.idempotency_key IS NOT NULL;
  END IF;
END
$fn$;
