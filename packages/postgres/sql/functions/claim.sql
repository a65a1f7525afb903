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
--
-- Kept here, not in a migration: src/migrate.ts runs every file of sql/functions after the
-- migrations, in their transaction, whenever it applied at least one (see sql/functions/README.md).
CREATE OR REPLACE FUNCTION {{schema}}.claim(p_queue text, p_now bigint, p_worker text, p_limit integer,
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
