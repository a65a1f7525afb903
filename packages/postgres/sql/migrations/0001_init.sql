-- 0001_init: the first schema of @waitline/postgres: queues, jobs, workers, the event journal,
-- and the three functions that make add, claim and settle-and-claim one round trip each.
--
-- `{{schema}}` is replaced by the quoted schema name and `{{channel}}` by the quoted NOTIFY
-- channel ('waitline:<schema>') before this runs (src/sql.ts). Applied by src/migrate.ts in one
-- transaction under an advisory lock, with its row in {{schema}}.migrations written in the same
-- transaction: several processes starting at once apply it exactly once.
--
-- Guarantees:
--   * Times are bigint milliseconds since the Unix epoch, as core passes them (`now`): every
--     host writes the same kind of number, and the contract suite controls time.
--   * payload, backoff, progress, result and error are `json`, not `jsonb`: the text a caller
--     stored is the text read back (key order, number spelling, \u0000 in strings).
--   * jobs.seq comes from an identity sequence with CACHE 1, so seq follows the order in which
--     inserts ran across every session: the ordering rule's last key.
--   * Every job is in exactly one of two partial indexes (as in @waitline/sqlite):
--       - jobs_queued (queue, priority DESC, run_at, seq) INCLUDE (name, size) WHERE queued: the
--         claim walks it in order, and the position count and the ETA's ahead-work aggregate are
--         index-only scans of it;
--       - jobs_dequeued (state, queue, finished_at) WHERE running or finished: the concurrency
--         count, lease sweeps, statistics and cleanup.
--     The CHECK (state in queued/running) = (finished_at IS NULL) keeps them apart and complete.
--   * jobs.queue names a queues row without a FOREIGN KEY (it would need one more index holding
--     every job): enqueue() creates the row first, and queue rows are never deleted.
--   * An idempotency key is unique within its queue, in any state.
--   * autovacuum runs on jobs after 1% of its rows changed (not 20%): a job table is rewritten
--     constantly, and index-only position counts need the visibility map kept current.

CREATE TABLE {{schema}}.queues (
  name        text PRIMARY KEY,
  concurrency integer CHECK (concurrency IS NULL OR concurrency >= 0),
  max_size    integer CHECK (max_size IS NULL OR max_size >= 0),
  paused      boolean NOT NULL DEFAULT false,
  updated_at  bigint  NOT NULL
);

CREATE TABLE {{schema}}.jobs (
  id               text    PRIMARY KEY,
  seq              bigint  NOT NULL GENERATED ALWAYS AS IDENTITY (CACHE 1),
  queue            text    NOT NULL,
  name             text    NOT NULL,
  payload          json    NOT NULL,
  state            text    NOT NULL
                   CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  priority         integer NOT NULL,
  run_at           bigint  NOT NULL,
  attempt          integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL,
  backoff          json,
  timeout_ms       bigint,
  size             double precision,
  idempotency_key  text,
  created_at       bigint  NOT NULL,
  started_at       bigint,
  finished_at      bigint,
  lease_token      text,
  lease_expires_at bigint,
  worker_id        text,
  cancel_requested boolean NOT NULL DEFAULT false,
  progress         json,
  result           json,
  error            json,
  CHECK ((state IN ('queued', 'running')) = (finished_at IS NULL))
) WITH (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.02
);

CREATE INDEX jobs_queued ON {{schema}}.jobs (queue, priority DESC, run_at, seq) INCLUDE (name, size)
  WHERE state = 'queued';

CREATE INDEX jobs_dequeued ON {{schema}}.jobs (state, queue, finished_at)
  WHERE state = 'running' OR finished_at IS NOT NULL;

CREATE UNIQUE INDEX jobs_idempotency ON {{schema}}.jobs (queue, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE {{schema}}.workers (
  id           text    PRIMARY KEY,
  queue        text    NOT NULL,
  host         text    NOT NULL,
  pid          integer NOT NULL,
  concurrency  integer NOT NULL,
  started_at   bigint  NOT NULL,
  last_seen_at bigint  NOT NULL
);

CREATE INDEX workers_queue_seen ON {{schema}}.workers (queue, last_seen_at);

-- Processes that want queue events from other processes (a QueueEvents): refreshed every second
-- while they listen; publishers journal a queue's events only while one of them is live.
CREATE TABLE {{schema}}.listeners (
  process_id text   NOT NULL,
  queue      text   NOT NULL,
  seen_at    bigint NOT NULL,
  PRIMARY KEY (process_id, queue)
);

-- The event journal: readers take rows whose writing transaction is older than every running
-- one (tx < pg_snapshot_xmin), ordered by (tx, id), so a row committed late is never skipped.
CREATE TABLE {{schema}}.events (
  tx         xid8   NOT NULL DEFAULT pg_current_xact_id(),
  id         bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  process_id text   NOT NULL,
  queue      text   NOT NULL,
  body       json   NOT NULL,
  at         bigint NOT NULL,
  PRIMARY KEY (tx, id)
);

CREATE INDEX events_at ON {{schema}}.events (at);

-- enqueue: writes a batch of jobs, all or none; one call per add or addBulk.
--
-- Parameters: p_queue; p_now (ms, stored as created_at); p_jobs, a JSON array of objects with
--   i (index in the batch), id, name, payload, priority, run_at, max_attempts, backoff,
--   timeout_ms, size, idempotency_key.
-- Returns: ('inserted', id, seq, NULL) for each job written (the caller knows the rest of the
--   row: reading it back cost more than the insert), then ('existing', the batch's id, NULL,
--   the stored job) for each job whose idempotency key was taken. When the batch would take the
--   queue past max_size nothing is written and the only row is ('full', NULL, max_size, NULL).
-- Guarantees: the queue row is created when missing. With a max_size, adds of the queue are
--   serialised by a transaction-level advisory lock and the queued jobs are counted after the
--   insert (a fresh snapshot, own rows included): a full queue deletes what this call inserted
--   and returns 'full' without raising, so a caller's own transaction stays usable. A job whose
--   idempotency key names a stored job of the queue (or one earlier in the batch) is not written
--   and does not count against max_size. seq follows batch order. A duplicate id raises
--   unique_violation on jobs_pkey. When anything was inserted, one NOTIFY {"q", "k": "added",
--   "r": earliest run_at} is sent, delivered when the transaction commits.
CREATE FUNCTION {{schema}}.enqueue(p_queue text, p_now bigint, p_jobs json)
RETURNS TABLE (status text, id text, seq bigint, job json)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_max integer;
  v_ids text[];
  v_seqs bigint[];
  v_first bigint;
  v_queued bigint;
BEGIN
  SELECT q.max_size INTO v_max FROM {{schema}}.queues q WHERE q.name = p_queue;
  IF NOT FOUND THEN
    INSERT INTO {{schema}}.queues (name, updated_at) VALUES (p_queue, p_now) ON CONFLICT (name) DO NOTHING;
    SELECT q.max_size INTO v_max FROM {{schema}}.queues q WHERE q.name = p_queue;
  END IF;
  IF v_max IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext({{channel}} || ':size'), hashtext(p_queue));
  END IF;
  WITH ins AS (
    INSERT INTO {{schema}}.jobs AS j (id, queue, name, payload, state, priority, run_at,
      max_attempts, backoff, timeout_ms, size, idempotency_key, created_at)
    SELECT x.id, p_queue, x.name, coalesce(x.payload, 'null'::json), 'queued', x.priority, x.run_at,
      x.max_attempts, x.backoff, x.timeout_ms, x.size, x.idempotency_key, p_now
    FROM json_to_recordset(p_jobs) AS x(i integer, id text, name text, payload json,
      priority integer, run_at bigint, max_attempts integer, backoff json, timeout_ms bigint,
      size double precision, idempotency_key text)
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

-- claim: leases the next ready jobs of one queue in the ordering rule's order.
--
-- Parameters: p_queue; p_now (ms; a queued job with run_at <= p_now is ready); p_worker;
--   p_limit (most jobs wanted); p_lease_ms; p_token (fresh random; each job's lease token is
--   p_token || ':' || seq, unique per job).
-- Returns: every leased row (row_to_json) in its new state, in no particular order.
-- Guarantees: nothing while the queue is paused. With a concurrency limit, the queue row is
--   locked FOR UPDATE first and the running jobs counted afterwards: plpgsql takes a new snapshot
--   per statement, so the count includes every claim committed before the lock was granted, and
--   the limit holds across every process and host. Without a limit no lock is taken. Candidates
--   are picked on jobs_queued by (priority DESC, run_at, seq) with FOR UPDATE SKIP LOCKED, so
--   concurrent claimers never wait for nor share a row. attempt grows by one; the previous
--   attempt's progress, finish time and any stale cancel request are cleared.
CREATE FUNCTION {{schema}}.claim(p_queue text, p_now bigint, p_worker text, p_limit integer,
  p_lease_ms bigint, p_token text)
RETURNS SETOF json
LANGUAGE plpgsql AS $fn$
DECLARE
  v_conc integer;
  v_paused boolean;
  v_n bigint := p_limit;
BEGIN
  IF p_limit IS NULL OR p_limit <= 0 THEN
    RETURN;
  END IF;
  SELECT q.concurrency, q.paused INTO v_conc, v_paused FROM {{schema}}.queues q WHERE q.name = p_queue;
  IF v_paused THEN
    RETURN;
  END IF;
  IF v_conc IS NOT NULL THEN
    SELECT q.concurrency, q.paused INTO v_conc, v_paused
    FROM {{schema}}.queues q WHERE q.name = p_queue FOR UPDATE;
    IF v_paused THEN
      RETURN;
    END IF;
    IF v_conc IS NOT NULL THEN
      v_n := least(v_n, v_conc - (SELECT count(*) FROM {{schema}}.jobs r
                                  WHERE r.state = 'running' AND r.queue = p_queue));
    END IF;
    IF v_n <= 0 THEN
      RETURN;
    END IF;
  END IF;
  RETURN QUERY
  UPDATE {{schema}}.jobs j SET
    state = 'running',
    attempt = j.attempt + 1,
    started_at = p_now,
    finished_at = NULL,
    lease_token = p_token || ':' || j.seq,
    lease_expires_at = p_now + p_lease_ms,
    worker_id = p_worker,
    cancel_requested = false,
    progress = NULL
  WHERE j.id IN (
    SELECT c.id FROM {{schema}}.jobs c
    WHERE c.queue = p_queue AND c.state = 'queued' AND c.run_at <= p_now
    ORDER BY c.priority DESC, c.run_at, c.seq
    LIMIT v_n
    FOR UPDATE SKIP LOCKED
  )
  RETURNING row_to_json(j);
END
$fn$;

-- settle: settles finished attempts and optionally claims the next jobs, in one transaction.
--
-- Parameters: p_queue; p_now; p_completed [{id, token, result}]; p_failed [{id, token, error,
--   retry_at}]; p_cancelled [{id, token, error}]; p_released [{id, token}] (each JSON or NULL);
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
CREATE FUNCTION {{schema}}.settle(p_queue text, p_now bigint, p_completed json, p_failed json,
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
    WHERE j.id = x.id AND j.state = 'running' AND j.lease_token = x.token
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
    WHERE j.id = x.id AND j.state = 'running' AND j.lease_token = x.token
    RETURNING 'settled'::text, row_to_json(j);
  END IF;
  IF p_cancelled IS NOT NULL THEN
    RETURN QUERY
    UPDATE {{schema}}.jobs j SET state = 'cancelled', finished_at = p_now,
      error = coalesce(x.error, j.error), lease_token = NULL, lease_expires_at = NULL
    FROM json_to_recordset(p_cancelled) AS x(id text, token text, error json)
    WHERE j.id = x.id AND j.state = 'running' AND j.lease_token = x.token
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
    WHERE j.id = x.id AND j.state = 'running' AND j.lease_token = x.token
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
