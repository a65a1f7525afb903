-- claim_grouped: leases up to p_n ready jobs of a grouped queue, one turn at a time.
--
-- Parameters: as claim(), with p_n the number the queue's limits allow (claim() computed it
--   after locking the queue row FOR UPDATE, which serialises every grouped claim of the queue),
--   p_cap the queue's group_concurrency (NULL: no cap; since 0013), and p_weighted the queue's
--   weighted flag (true while it has stored group settings; since 0014), p_rate_max and p_rate_ms
--   the queue's group_rate_max and group_rate_interval_ms (NULL: no group rate limit; since 0015).
-- Returns: every leased row (row_to_json) in its new state, in claim order.
-- Guarantees: each pick is one statement: it walks group_turns in (priority DESC, turn, grp)
--   order (group_turns_order, LIMIT 1) and takes the first group whose head (its queued jobs at
--   the level by run_at, then seq; the default group '' reads jobs_queued, a named group
--   jobs_grouped) is ready, found as the group's first job with run_at <= p_now (LATERAL,
--   LIMIT 1: there is one exactly when the head is ready, and it is the head): that is the head
--   of the ready group with the lowest stamp at the highest level holding a ready job. The head
--   is leased exactly as claim() leases (re-checked queued at its level, else the walk
--   restarts); then (group_served()) the group's stamp at the level is deleted when it has no
--   other queued job there (ready or scheduled), else, when its round at the level is over (with
--   weights: it gave `weight` jobs; without: every claim), replaced by a fresh stamp from
--   group_turn_seq (the back of the rotation), else kept with one more used.
--   So a claim of n returns what n claims of 1 would, in that order. A head another transaction
--   holds locked is not waited for (since 0018): its group is passed over for the rest of this
--   claim, as the ungrouped claim skips locked rows. Should an ungrouped ready
--   job lack a stamp (an ungrouped retry that raced the add that set grouped), a walk that found
--   nothing stamps the default group at that job's level once and walks again.
--   Group caps (since 0013): with p_cap and p_rate_max NULL the walk is the statement above,
--   unchanged. With a cap (and no group rate limit), the walk also passes over every named group whose running jobs (every level) reach
--   p_cap: a filter on the group_turns scan, evaluated before the group's head is probed, that
--   counts the group's running jobs on jobs_group_running with LIMIT p_cap (at most p_cap index
--   entries), so a capped group's queued jobs are never read and its stamp is never touched: it
--   keeps its place in the rotation and goes first once a slot frees. The walk goes on through
--   the next groups in stamp order and down the levels. The jobs this call leased are running
--   in its own transaction, and plpgsql takes a new snapshot per statement, so each pick counts
--   them: a batch claim equals that many single claims. The default group '' is never capped.
--   Group weights (since 0014): the walk is unchanged (a group whose round goes on keeps the
--   lowest stamp, so the next pick finds it first); only group_served() reads weights, and only
--   when p_weighted.
--   Group rate limits (since 0015): with p_rate_max NULL the walk is one of the statements above,
--   unchanged, and no start is logged. With a limit, the walk is a third statement that also
--   passes over every named group with p_rate_max starts inside the window (group_rate_starts
--   rows with at > p_now - p_rate_ms, counted with LIMIT p_rate_max on group_rate_starts_group):
--   a filter on the group_turns scan like the cap's (the cap's filter too when p_cap is set), so
--   a group without a token keeps its stamp and its jobs are not read. Each job leased of a named
--   group logs one row (p_queue, grp, p_now) before the next pick, which counts it: a batch claim
--   equals that many single claims here too. The default group '' is never limited nor logged.
--
-- Kept here, not in a migration: src/migrate.ts runs every file of sql/functions after the
-- migrations, in their transaction, whenever it applied at least one (see sql/functions/README.md).
CREATE OR REPLACE FUNCTION {{schema}}.claim_grouped(p_queue text, p_now bigint, p_worker text, p_n bigint,
  p_lease_ms bigint, p_token text, p_cap integer, p_weighted boolean, p_rate_max integer, p_rate_ms bigint)
RETURNS SETOF json
LANGUAGE plpgsql AS $fn$
DECLARE
  v_taken bigint := 0;
  v_turn bigint;
  v_id text;
  v_prio integer;
  v_grp text;
  v_healed boolean := false;
  v_skip text[] := '{}';
BEGIN
  WHILE v_taken < p_n LOOP
    -- One-time filters on t.grp pick the index of the group's kind per row; the LIMIT 1 makes
    -- the walk an ordered scan of group_turns_order that stops at the first ready group.
    IF p_cap IS NULL AND p_rate_max IS NULL THEN
      SELECT t.priority, t.grp, t.turn, h.id INTO v_prio, v_grp, v_turn, v_id
      FROM {{schema}}.group_turns t
      CROSS JOIN LATERAL (
        (SELECT j.id FROM {{schema}}.jobs j
         WHERE t.grp = '' AND j.queue = p_queue AND j.state = 'queued' AND j.grp IS NULL
           AND j.priority = t.priority AND j.run_at <= p_now
         ORDER BY j.run_at, j.seq LIMIT 1)
        UNION ALL
        (SELECT j.id FROM {{schema}}.jobs j
         WHERE t.grp <> '' AND j.queue = p_queue AND j.state = 'queued' AND j.grp = t.grp
           AND j.priority = t.priority AND j.run_at <= p_now
         ORDER BY j.run_at, j.seq LIMIT 1)
      ) h
      WHERE t.queue = p_queue AND t.grp <> ALL (v_skip)
      ORDER BY t.priority DESC, t.turn, t.grp
      LIMIT 1;
    ELSIF p_rate_max IS NULL THEN
      -- The cap probe refers to t only, so it filters the group_turns scan, before the LATERAL
      -- head probe runs for that stamp: a capped group's jobs are not read.
      SELECT t.priority, t.grp, t.turn, h.id INTO v_prio, v_grp, v_turn, v_id
      FROM {{schema}}.group_turns t
      CROSS JOIN LATERAL (
        (SELECT j.id FROM {{schema}}.jobs j
         WHERE t.grp = '' AND j.queue = p_queue AND j.state = 'queued' AND j.grp IS NULL
           AND j.priority = t.priority AND j.run_at <= p_now
         ORDER BY j.run_at, j.seq LIMIT 1)
        UNION ALL
        (SELECT j.id FROM {{schema}}.jobs j
         WHERE t.grp <> '' AND j.queue = p_queue AND j.state = 'queued' AND j.grp = t.grp
           AND j.priority = t.priority AND j.run_at <= p_now
         ORDER BY j.run_at, j.seq LIMIT 1)
      ) h
      WHERE t.queue = p_queue AND t.grp <> ALL (v_skip)
        AND (t.grp = '' OR (SELECT count(*) FROM (
               SELECT 1 FROM {{schema}}.jobs r
               WHERE r.queue = p_queue AND r.state = 'running' AND r.grp = t.grp
               LIMIT p_cap) running) < p_cap)
      ORDER BY t.priority DESC, t.turn, t.grp
      LIMIT 1;
    ELSE
      -- As the cap's walk, with the token probe (on t only, so before the head probe) as well.
      SELECT t.priority, t.grp, t.turn, h.id INTO v_prio, v_grp, v_turn, v_id
      FROM {{schema}}.group_turns t
      CROSS JOIN LATERAL (
        (SELECT j.id FROM {{schema}}.jobs j
         WHERE t.grp = '' AND j.queue = p_queue AND j.state = 'queued' AND j.grp IS NULL
           AND j.priority = t.priority AND j.run_at <= p_now
         ORDER BY j.run_at, j.seq LIMIT 1)
        UNION ALL
        (SELECT j.id FROM {{schema}}.jobs j
         WHERE t.grp <> '' AND j.queue = p_queue AND j.state = 'queued' AND j.grp = t.grp
           AND j.priority = t.priority AND j.run_at <= p_now
         ORDER BY j.run_at, j.seq LIMIT 1)
      ) h
      WHERE t.queue = p_queue AND t.grp <> ALL (v_skip)
        AND (t.grp = '' OR ((p_cap IS NULL OR (SELECT count(*) FROM (
               SELECT 1 FROM {{schema}}.jobs r
               WHERE r.queue = p_queue AND r.state = 'running' AND r.grp = t.grp
               LIMIT p_cap) running) < p_cap)
             AND (SELECT count(*) FROM (
               SELECT 1 FROM {{schema}}.group_rate_starts s
               WHERE s.queue = p_queue AND s.grp = t.grp AND s.at > p_now - p_rate_ms
               LIMIT p_rate_max) started) < p_rate_max))
      ORDER BY t.priority DESC, t.turn, t.grp
      LIMIT 1;
    END IF;
    IF NOT FOUND THEN
      EXIT WHEN v_healed;
      v_healed := true;
      SELECT j.priority INTO v_prio FROM {{schema}}.jobs j
      WHERE j.queue = p_queue AND j.state = 'queued' AND j.grp IS NULL AND j.run_at <= p_now
      ORDER BY j.priority DESC, j.run_at, j.seq LIMIT 1;
      EXIT WHEN NOT FOUND;
      PERFORM {{schema}}.group_turn(p_queue, v_prio, NULL);
      CONTINUE;
    END IF;
    -- Never wait for a job row while holding the queue row: another writer (a lease renewal, a
    -- priority change) may hold the head and wait for a row this claim leased. Pass the group over
    -- for this claim instead, as the ungrouped claim's SKIP LOCKED does (since 0018).
    PERFORM 1 FROM {{schema}}.jobs l WHERE l.id = v_id FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      v_skip := v_skip || v_grp;
      CONTINUE;
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
    WHERE j.id = v_id AND j.state = 'queued' AND j.priority = v_prio AND j.run_at <= p_now
    RETURNING row_to_json(j);
    IF FOUND THEN
      v_taken := v_taken + 1;
      PERFORM {{schema}}.group_served(p_queue, v_prio, v_grp, v_turn, p_weighted);
      IF p_rate_max IS NOT NULL AND v_grp <> '' THEN
        INSERT INTO {{schema}}.group_rate_starts (queue, grp, at) VALUES (p_queue, v_grp, p_now);
      END IF;
    END IF;
  END LOOP;
END
$fn$;

-- group_next_token: when a grouped claim at p_now under a group rate limit (p_rate_max starts per
-- p_rate_ms) came back short, the earliest time a named group it passed over for want of a token
-- gets one: over the groups with a ready job at a level where they hold a stamp, below p_cap
-- running jobs (p_cap NULL: no cap; a capped group was passed over for its cap) and with
-- p_rate_max starts inside the window, the p_rate_max-th newest such start plus p_rate_ms (the
-- oldest start that must leave the window; it is after p_now). NULL when no group was so held.
-- Since 0015; called by claim() in the claim's transaction after claim_grouped(), under the
-- queue row's lock. Reads each stamp of the queue once, with the head, cap and start probes the
-- walk uses (the walk that came back short read as many), plus one OFFSET seek per held group.
CREATE OR REPLACE FUNCTION {{schema}}.group_next_token(p_queue text, p_now bigint, p_cap integer, p_rate_max integer,
  p_rate_ms bigint)
RETURNS bigint
LANGUAGE sql AS $fn$
  SELECT min(n.next_at)
  FROM (
    SELECT DISTINCT t.grp FROM {{schema}}.group_turns t
    WHERE t.queue = p_queue AND t.grp <> ''
      AND EXISTS (SELECT 1 FROM {{schema}}.jobs j
                  WHERE j.queue = p_queue AND j.state = 'queued' AND j.grp = t.grp
                    AND j.priority = t.priority AND j.run_at <= p_now)
  ) g
  CROSS JOIN LATERAL (
    SELECT s.at + p_rate_ms AS next_at FROM {{schema}}.group_rate_starts s
    WHERE s.queue = p_queue AND s.grp = g.grp AND s.at > p_now - p_rate_ms
    ORDER BY s.at DESC OFFSET p_rate_max - 1 LIMIT 1
  ) n
  WHERE p_cap IS NULL OR (SELECT count(*) FROM (
          SELECT 1 FROM {{schema}}.jobs r
          WHERE r.queue = p_queue AND r.state = 'running' AND r.grp = g.grp
          LIMIT p_cap) running) < p_cap
$fn$;

-- group_served: after a claim took a group's head at a level, deletes the group's stamp there
-- when it has no other queued job at the level (ready or scheduled). Otherwise, with p_weighted
-- and a named group, it reads the group's weight w (group_settings, 1 without a row) and its
-- used count u (one join on both primary keys): with u' = least(u, w - 1), when u' + 1 < w the
-- group keeps its stamp and used becomes u' + 1 (core's afterServe), and nothing else is
-- written. Every other case (p_weighted false, the default group, the round over) gives the
-- group a fresh stamp from group_turn_seq, the back of the level's rotation, with used 0: without
-- p_weighted that is 0013's single UPDATE (which now also writes used = 0), and no weight is read.
-- An add of the group still in progress holds the stamp (group_turn(), FOR KEY SHARE): the claim
-- then does not wait for it (it may be a caller's long transaction, and every claim of the queue
-- waits behind this one) but moves the group to the back with used 0, where the add would have
-- put it after a delete; the bump and the used update (FOR NO KEY UPDATE) do not conflict with
-- that lock. An add that rolls back leaves a stamp with no job, which counts 0. p_turn is the
-- stamp the walk read: only this function changes or deletes a stamp, under the queue row lock,
-- so it is still current; matching it too makes each statement an exact seek on either index of
-- group_turns (without it, a table not yet analysed may be read through group_turns_order, every
-- stamp of the level).
CREATE OR REPLACE FUNCTION {{schema}}.group_served(p_queue text, p_priority integer, p_grp text, p_turn bigint,
  p_weighted boolean)
RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  v_weight integer;
  v_used integer;
BEGIN
  IF {{schema}}.group_head(p_queue, p_priority, p_grp, NULL) IS NULL THEN
    PERFORM 1 FROM {{schema}}.group_turns t
    WHERE t.queue = p_queue AND t.priority = p_priority AND t.grp = p_grp AND t.turn = p_turn
    FOR UPDATE SKIP LOCKED;
    IF FOUND AND {{schema}}.group_head(p_queue, p_priority, p_grp, NULL) IS NULL THEN
      DELETE FROM {{schema}}.group_turns t
      WHERE t.queue = p_queue AND t.priority = p_priority AND t.grp = p_grp AND t.turn = p_turn;
      RETURN;
    END IF;
  ELSIF p_weighted AND p_grp <> '' THEN
    SELECT coalesce(s.weight, 1), t.used INTO v_weight, v_used
    FROM {{schema}}.group_turns t
    LEFT JOIN {{schema}}.group_settings s ON s.queue = t.queue AND s.grp = t.grp
    WHERE t.queue = p_queue AND t.priority = p_priority AND t.grp = p_grp AND t.turn = p_turn;
    v_used := least(v_used, v_weight - 1) + 1;
    IF v_used < v_weight THEN
      UPDATE {{schema}}.group_turns t SET used = v_used
      WHERE t.queue = p_queue AND t.priority = p_priority AND t.grp = p_grp AND t.turn = p_turn;
      RETURN;
    END IF;
  END IF;
  UPDATE {{schema}}.group_turns t SET turn = nextval('{{schema}}.group_turn_seq'), used = 0
  WHERE t.queue = p_queue AND t.priority = p_priority AND t.grp = p_grp AND t.turn = p_turn;
END
$fn$;

-- group_head: the id of a group's first queued job at a level (run_at, then seq), when its
-- run_at <= p_now (any queued job when p_now is NULL); NULL otherwise. '' is the default group
-- (jobs_queued), any other name a named group (jobs_grouped). One index seek, LIMIT 1.
CREATE OR REPLACE FUNCTION {{schema}}.group_head(p_queue text, p_priority integer, p_grp text, p_now bigint)
RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  v_id text;
  v_run_at bigint;
BEGIN
  IF p_grp = '' THEN
    SELECT j.id, j.run_at INTO v_id, v_run_at FROM {{schema}}.jobs j
    WHERE j.queue = p_queue AND j.state = 'queued' AND j.grp IS NULL AND j.priority = p_priority
    ORDER BY j.run_at, j.seq LIMIT 1;
  ELSE
    SELECT j.id, j.run_at INTO v_id, v_run_at FROM {{schema}}.jobs j
    WHERE j.queue = p_queue AND j.state = 'queued' AND j.grp = p_grp AND j.priority = p_priority
    ORDER BY j.run_at, j.seq LIMIT 1;
  END IF;
  IF v_id IS NULL OR (p_now IS NOT NULL AND v_run_at > p_now) THEN
    RETURN NULL;
  END IF;
  RETURN v_id;
END
$fn$;
