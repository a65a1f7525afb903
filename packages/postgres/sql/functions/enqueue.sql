-- enqueue: writes a batch of jobs, all or none; one call per add or addBulk.
--
-- Parameters: p_queue; p_now (ms, stored as created_at); p_jobs, a JSON array of objects with
--   i (index in the batch), id, name, payload, priority, run_at, max_attempts, backoff,
--   timeout_ms, size, idempotency_key.
-- Returns: ('inserted', id, seq, NULL) for each job written (the caller knows the rest of the
--   row: reading it back cost more than the insert), then ('existing', the batch's id, NULL,
--   the stored job) for each job whose idempotency key was taken. When the batch would take the
--   queue past max_size nothing is written and the only row is ('full', NULL, max_size, NULL);
--   past a group's group_max_waiting, the only row is ('group_full', ...): see "Group waiting cap".
-- Guarantees: the queue row is created when missing. With a max_size, adds of the queue are
--   serialised by a transaction-level advisory lock and the queued jobs are counted after the
--   insert (a fresh snapshot, own rows included): a full queue deletes what this call inserted
--   and returns 'full' without raising, so a caller's own transaction stays usable. A job whose
--   idempotency key names a stored job of the queue (or one earlier in the batch) is not written
--   and does not count against max_size. seq follows batch order. A duplicate id raises
--   unique_violation on jobs_pkey. When anything was inserted, one NOTIFY {"q", "k": "added",
--   "r": earliest run_at} is sent, delivered when the transaction commits.
--   Draining (since 0003): it first takes the queue's drain fence, a transaction-level SHARED
--   advisory lock (adds never wait for each other on it), then reads draining with max_size; on
--   a draining queue it writes no job and returns the single row ('draining', NULL, NULL, NULL),
--   without raising, so a caller's own transaction stays usable (QueueDrainingError).
--   Each job may carry traceparent (text or null, since 0004) and webhook (a JSON object or
--   null, since 0006), written with the job.
--   Groups (since 0012): each job may carry grp (text or null). A batch holding a grp for a
--   queue not yet grouped takes the drain fence EXCLUSIVELY instead (every add that read grouped
--   as false has committed before it marks the queue, and later adds read it as true), then
--   group_mark() sets grouped and stamps the default group where ungrouped jobs wait. In a
--   grouped queue the inserted jobs join turns (group_join(), batch order). A full queue writes
--   neither flag nor stamp.
--   Group waiting cap (since 0013): with a group_max_waiting and a batch holding a grp, adds of
--   each of the batch's groups are serialised by a transaction-level advisory lock on (queue,
--   group), taken after the max_size lock and before the insert (group_wait_lock()), and each
--   group's queued jobs are counted after the insert and the max_size check
--   (group_over_waiting()). A group past the cap deletes what this call inserted and returns
--   the single row ('group_full', the group, group_max_waiting, {"index": the first job of the
--   batch past the cap}), without raising, and writes neither flag nor stamp. Jobs matched by
--   an idempotency key do not count; the batch's earlier jobs do.
--   Idempotency keys (since 0018): a batch holding two jobs with idempotency keys or more first
--   takes a transaction-level advisory lock on (queue, 'keys'), after the locks above and before
--   the insert, so two such batches of a queue never wait for each other's keys in opposite
--   orders (a deadlock Postgres broke after a second by failing one add). A single keyed job
--   waits for at most one key and takes no lock.
--
-- Kept here, not in a migration: src/migrate.ts runs every file of sql/functions after the
-- migrations, in their transaction, whenever it applied at least one (see sql/functions/README.md).
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
  v_grouped boolean;
  v_has_group boolean;
  v_group_max integer;
  v_over record;
BEGIN
  v_has_group := EXISTS (SELECT 1 FROM json_to_recordset(p_jobs) AS g(grp text) WHERE g.grp IS NOT NULL);
  IF v_has_group AND NOT coalesce((SELECT q.grouped FROM {{schema}}.queues q WHERE q.name = p_queue), false) THEN
    PERFORM pg_advisory_xact_lock(hashtext({{channel}} || ':drain'), hashtext(p_queue));
  ELSE
    PERFORM pg_advisory_xact_lock_shared(hashtext({{channel}} || ':drain'), hashtext(p_queue));
  END IF;
  SELECT q.max_size, q.draining, q.grouped, q.group_max_waiting INTO v_max, v_draining, v_grouped, v_group_max
  FROM {{schema}}.queues q WHERE q.name = p_queue;
  IF NOT FOUND THEN
    INSERT INTO {{schema}}.queues (name, updated_at) VALUES (p_queue, p_now) ON CONFLICT (name) DO NOTHING;
    SELECT q.max_size, q.draining, q.grouped, q.group_max_waiting INTO v_max, v_draining, v_grouped, v_group_max
    FROM {{schema}}.queues q WHERE q.name = p_queue;
  END IF;
  IF v_draining THEN
    RETURN QUERY SELECT 'draining'::text, NULL::text, NULL::bigint, NULL::json;
    RETURN;
  END IF;
  IF v_max IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext({{channel}} || ':size'), hashtext(p_queue));
  END IF;
  IF v_group_max IS NOT NULL AND v_has_group THEN
    PERFORM {{schema}}.group_wait_lock(p_queue, p_jobs);
  END IF;
  IF (SELECT count(k.idempotency_key) FROM json_to_recordset(p_jobs) AS k(idempotency_key text)) > 1 THEN
    PERFORM pg_advisory_xact_lock(hashtext({{channel}} || ':keys'), hashtext(p_queue));
  END IF;
  WITH ins AS (
    INSERT INTO {{schema}}.jobs AS j (id, queue, name, payload, state, priority, run_at,
      max_attempts, backoff, timeout_ms, size, idempotency_key, created_at, traceparent,
      webhook, grp)
    SELECT x.id, p_queue, x.name, coalesce(x.payload, 'null'::json), 'queued', x.priority, x.run_at,
      x.max_attempts, x.backoff, x.timeout_ms, x.size, x.idempotency_key, p_now, x.traceparent,
      x.webhook, x.grp
    FROM json_to_recordset(p_jobs) AS x(i integer, id text, name text, payload json,
      priority integer, run_at bigint, max_attempts integer, backoff json, timeout_ms bigint,
      size double precision, idempotency_key text, traceparent text, webhook json, grp text)
    ORDER BY x.i
    ON CONFLICT (queue, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING j.id, j.seq, j.run_at
  )
  SELECT array_agg(ins.id ORDER BY ins.seq), array_agg(ins.seq ORDER BY ins.seq), min(ins.run_at)
  INTO v_ids, v_seqs, v_first FROM ins;
  IF v_ids IS NOT NULL AND v_max IS NOT NULL THEN
    SELECT count(*) INTO v_queued FROM (
      SELECT 1 FROM {{schema}}.jobs q
      WHERE q.queue = p_queue AND q.state = 'queued' AND q.grp IS NULL
      LIMIT v_max + 1
    ) bounded;
    IF v_queued <= v_max THEN
      v_queued := v_queued + (SELECT count(*) FROM (
        SELECT 1 FROM {{schema}}.jobs q
        WHERE q.queue = p_queue AND q.state = 'queued' AND q.grp IS NOT NULL
        LIMIT v_max + 1 - v_queued
      ) bounded);
    END IF;
    IF v_queued > v_max THEN
      DELETE FROM {{schema}}.jobs d WHERE d.id = ANY (v_ids);
      RETURN QUERY SELECT 'full'::text, NULL::text, v_max::bigint, NULL::json;
      RETURN;
    END IF;
  END IF;
  IF v_ids IS NOT NULL AND v_group_max IS NOT NULL AND v_has_group THEN
    SELECT o.grp, o.i INTO v_over FROM {{schema}}.group_over_waiting(p_queue, p_jobs, v_ids, v_group_max) o;
    IF FOUND THEN
      DELETE FROM {{schema}}.jobs d WHERE d.id = ANY (v_ids);
      RETURN QUERY SELECT 'group_full'::text, v_over.grp, v_group_max::bigint, json_build_object('index', v_over.i);
      RETURN;
    END IF;
  END IF;
  IF v_ids IS NOT NULL AND (v_grouped OR v_has_group) THEN
    IF v_has_group THEN
      PERFORM {{schema}}.group_mark(p_queue, v_ids);
    END IF;
    PERFORM {{schema}}.group_join(p_queue, v_ids);
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
