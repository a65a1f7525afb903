-- groups: the turn stamps of a grouped queue (docs/design/groups.md; tables in 0012_groups).
--
-- group_mark(p_queue, p_except): sets queues.grouped (never cleared). When this call set it, it
--   stamps the default group '' at every level where ungrouped jobs other than p_except are
--   queued (ready or scheduled), before any group of the batch that set it joins: they waited
--   longest. Returns true when the queue is grouped.
-- group_turn(p_queue, p_priority, p_grp) -> true: when the queue is grouped and the group (NULL = the
--   default group) has no stamp at the level, gives it a stamp from group_turn_seq, above every
--   stamp given before. Called for any job that becomes queued; harmless when it has one.
-- group_join(p_queue, p_ids): group_turn for each (level, group) of the listed jobs that are
--   queued, in order of each pair's lowest seq (a batch joins in batch order). Since 0018 the
--   turns are drawn first, in that order, and the stamps are then taken in (priority, group)
--   order with them (group_stamp()), so two joins of the same new groups in other orders never
--   wait for each other's inserts crosswise (they deadlocked: adds, settles of retried jobs).
-- group_stamp(p_queue, p_priority, p_grp, p_turn): the body of group_turn, with the turn to give
--   a new stamp (NULL: the next of group_turn_seq) (since 0018).
-- Guarantees: each runs in the caller's transaction, after the job was written. A join that
--   finds the stamp holds it FOR KEY SHARE until commit, so a claim that took the group's last
--   other job cannot delete it unseen (group_served() then moves the group to the back instead); a
--   join that finds none inserts one (a concurrent insert of the same key: ON CONFLICT, then the
--   lock). A queue with grouped false gets no stamp and no other write.
--
-- Kept here, not in a migration: src/migrate.ts runs every file of sql/functions after the
-- migrations, in their transaction, whenever it applied at least one (see sql/functions/README.md).
CREATE OR REPLACE FUNCTION {{schema}}.group_mark(p_queue text, p_except text[])
RETURNS boolean
LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE {{schema}}.queues q SET grouped = true WHERE q.name = p_queue AND NOT q.grouped;
  IF FOUND THEN
    INSERT INTO {{schema}}.group_turns (queue, priority, grp, turn)
    SELECT p_queue, l.priority, '', nextval('{{schema}}.group_turn_seq')
    FROM (SELECT DISTINCT j.priority FROM {{schema}}.jobs j
          WHERE j.queue = p_queue AND j.state = 'queued' AND j.grp IS NULL
            AND NOT (j.id = ANY (coalesce(p_except, '{}')))) l
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN EXISTS (SELECT 1 FROM {{schema}}.queues q WHERE q.name = p_queue AND q.grouped);
END
$fn$;

CREATE OR REPLACE FUNCTION {{schema}}.group_stamp(p_queue text, p_priority integer, p_grp text, p_turn bigint)
RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  LOOP
    -- KEY SHARE keeps the stamp from being deleted until this transaction ends (group_served()
    -- takes FOR UPDATE before deleting, then sees this job); a claim's bump does not wait on it.
    PERFORM 1 FROM {{schema}}.group_turns t
    WHERE t.queue = p_queue AND t.priority = p_priority AND t.grp = coalesce(p_grp, '') FOR KEY SHARE;
    EXIT WHEN FOUND;
    INSERT INTO {{schema}}.group_turns (queue, priority, grp, turn)
    VALUES (p_queue, p_priority, coalesce(p_grp, ''), coalesce(p_turn, nextval('{{schema}}.group_turn_seq')))
    ON CONFLICT DO NOTHING;
    EXIT WHEN FOUND;
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION {{schema}}.group_turn(p_queue text, p_priority integer, p_grp text)
RETURNS boolean
LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM {{schema}}.queues q WHERE q.name = p_queue AND q.grouped) THEN
    RETURN true;
  END IF;
  PERFORM {{schema}}.group_stamp(p_queue, p_priority, p_grp, NULL);
  RETURN true;
END
$fn$;

CREATE OR REPLACE FUNCTION {{schema}}.group_join(p_queue text, p_ids text[])
RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  v_pair record;
  v_turns bigint[];
BEGIN
  IF p_ids IS NULL OR NOT EXISTS (SELECT 1 FROM {{schema}}.queues q WHERE q.name = p_queue AND q.grouped) THEN
    RETURN;
  END IF;
  FOR v_pair IN
    WITH pairs AS (
      SELECT j.priority, coalesce(j.grp, '') AS g, min(j.seq) AS first_seq FROM {{schema}}.jobs j
      WHERE j.id = ANY (p_ids) AND j.queue = p_queue AND j.state = 'queued'
      GROUP BY 1, 2
    )
    SELECT p.priority, p.g, row_number() OVER (ORDER BY p.first_seq) AS k, count(*) OVER () AS n
    FROM pairs p
    ORDER BY p.priority, p.g
  LOOP
    -- Turns for the pairs in batch order (ascending, so the k-th pair by lowest seq gets the k-th).
    v_turns := coalesce(v_turns, ARRAY(
      SELECT t FROM (SELECT nextval('{{schema}}.group_turn_seq') AS t FROM generate_series(1, v_pair.n)) d ORDER BY t));
    PERFORM {{schema}}.group_stamp(p_queue, v_pair.priority, v_pair.g, v_turns[v_pair.k]);
  END LOOP;
END
$fn$;
