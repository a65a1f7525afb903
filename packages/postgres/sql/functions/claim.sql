-- claim: leases the next ready jobs of one queue in the ordering rule's order.
--
-- Parameters: p_queue; p_now (ms; a queued job with run_at <= p_now is ready); p_worker;
--   p_limit (most jobs wanted); p_lease_ms; p_token (fresh random; each job's lease token is
--   p_token || ':' || seq, unique per job).
-- Returns: every leased row (row_to_json) in its new state, in no particular order; then, when
--   the queue's rate limit held the claim back, one more row {"next_start_at": ms}: the earliest
--   time one more job may start (src/claim.ts tells it from a job row by that key); or, when a
--   group rate limit left the claim short (since 0015), that row with the earliest time a group
--   passed over for want of a token gets one.
-- Guarantees: nothing while the queue is paused. With a concurrency limit or a rate limit, the
--   queue row is locked FOR UPDATE first and the running jobs and logged starts counted
--   afterwards: plpgsql takes a new snapshot per statement, so the counts include every claim
--   committed before the lock was granted, and both limits hold across every process and host.
--   The rate limit counts the rows of rate_starts with at > p_now - rate_interval_ms (older rows
--   are deleted here), leases no more than rate_max minus that count, and logs one row per job
--   leased before the transaction commits. Without either limit no lock is taken. Candidates
--   are picked on jobs_queued by (priority DESC, run_at, seq) with FOR UPDATE SKIP LOCKED, so
--   concurrent claimers never wait for nor share a row. attempt grows by one; the previous
--   attempt's progress, finish time and any stale cancel request are cleared.
--   Groups (since 0012): a grouped queue's claim always locks the queue row FOR UPDATE (it
--   rewrites shared turn rows, so grouped claims of a queue run one at a time) and leases through
--   claim_grouped() (sql/functions/groups-claim.sql), in claim order; its rows then follow one
--   row {"in_order": true}, telling src/claim.ts not to re-sort them. An ungrouped queue runs the
--   statements above, on jobs_queued (ungrouped jobs only since 0012).
--   Group caps (since 0013): the queue's group_concurrency is read with the locked queue row and
--   passed to claim_grouped(), which passes over a named group at its cap (its turn kept).
--   Group weights (since 0014): queues.weighted is read with the same locked row and passed to
--   claim_grouped(); while it is false (no stored group settings) no weight is read anywhere.
--   Group rate limits (since 0015): queues.group_rate_max and group_rate_interval_ms are read
--   with the same locked row. While they are NULL the claim runs the statements above, unchanged.
--   Set, a grouped claim first deletes the queue's group_rate_starts rows at or before
--   p_now - group_rate_interval_ms (as the queue's own log is trimmed) and passes the limit to
--   claim_grouped(), which passes over a named group without a token and logs each start of a
--   named group (every start also counts in rate_starts when the queue has a rate limit). When the
--   claim leased fewer jobs than its limits allowed, the {"next_start_at": ms} row reports
--   group_next_token(): the earliest next token of a group passed over for want of one. The
--   queue's report (its tokens all taken, so the claim was not short) and this one never meet.
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
  v_rate_max integer;
  v_rate_ms bigint;
  v_n bigint := p_limit;
  v_tokens bigint;
  v_count bigint;
  v_grouped boolean;
  v_group_cap integer;
  v_weighted boolean;
  v_group_rate_max integer;
  v_group_rate_ms bigint;
  v_next bigint;
BEGIN
  IF p_limit IS NULL OR p_limit <= 0 THEN
    RETURN;
  END IF;
  SELECT q.concurrency, q.paused, q.rate_max, q.grouped INTO v_conc, v_paused, v_rate_max, v_grouped
  FROM {{schema}}.queues q WHERE q.name = p_queue;
  IF v_paused THEN
    RETURN;
  END IF;
  IF v_conc IS NOT NULL OR v_rate_max IS NOT NULL OR v_grouped THEN
    SELECT q.concurrency, q.paused, q.rate_max, q.rate_interval_ms, q.group_concurrency, q.weighted,
      q.group_rate_max, q.group_rate_interval_ms
    INTO v_conc, v_paused, v_rate_max, v_rate_ms, v_group_cap, v_weighted, v_group_rate_max, v_group_rate_ms
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
    IF v_rate_max IS NOT NULL THEN
      DELETE FROM {{schema}}.rate_starts s WHERE s.queue = p_queue AND s.at <= p_now - v_rate_ms;
      v_tokens := greatest(0, v_rate_max - (SELECT count(*) FROM {{schema}}.rate_starts s
                                            WHERE s.queue = p_queue AND s.at > p_now - v_rate_ms));
      IF v_tokens < v_n THEN
        v_n := v_tokens;
      ELSE
        v_tokens := NULL; -- the limit did not hold this claim back
      END IF;
    END IF;
  END IF;
  IF v_n > 0 AND v_grouped THEN
    IF v_group_rate_max IS NOT NULL THEN
      DELETE FROM {{schema}}.group_rate_starts s WHERE s.queue = p_queue AND s.at <= p_now - v_group_rate_ms;
    END IF;
    RETURN QUERY SELECT c FROM {{schema}}.claim_grouped(p_queue, p_now, p_worker, v_n, p_lease_ms, p_token, v_group_cap,
      v_weighted, v_group_rate_max, v_group_rate_ms) c;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN NEXT json_build_object('in_order', true);
    IF v_group_rate_max IS NOT NULL AND v_count < v_n THEN
      v_next := {{schema}}.group_next_token(p_queue, p_now, v_group_cap, v_group_rate_max, v_group_rate_ms);
      IF v_next IS NOT NULL THEN
        RETURN NEXT json_build_object('next_start_at', v_next);
      END IF;
    END IF;
  ELSIF v_n > 0 THEN
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
      WHERE c.queue = p_queue AND c.state = 'queued' AND c.grp IS NULL AND c.run_at <= p_now
      ORDER BY c.priority DESC, c.run_at, c.seq
      LIMIT v_n
      FOR UPDATE SKIP LOCKED
    )
    RETURNING row_to_json(j);
    GET DIAGNOSTICS v_count = ROW_COUNT;
  ELSE
    v_count := 0;
  END IF;
  IF v_rate_max IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO {{schema}}.rate_starts (queue, at) SELECT p_queue, p_now FROM generate_series(1, v_count);
  -- Held back by the limit (not by a lack of ready jobs): the window is full now, so one more
  -- start may happen once the rate_max-th newest start leaves it.
  IF v_tokens IS NOT NULL AND v_count = v_n THEN
    RETURN NEXT json_build_object('next_start_at', (
      SELECT s.at + v_rate_ms FROM {{schema}}.rate_starts s
      WHERE s.queue = p_queue AND s.at > p_now - v_rate_ms
      ORDER BY s.at DESC OFFSET v_rate_max - 1 LIMIT 1));
  END IF;
END
$fn$;
