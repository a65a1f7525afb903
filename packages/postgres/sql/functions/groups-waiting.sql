-- groups-waiting: the groupMaxWaiting check of enqueue() (since 0013; docs/design/groups.md).
--
-- group_wait_lock(p_queue, p_jobs): takes a transaction-level advisory lock on (queue, group)
--   for every distinct named group of the batch (p_jobs as enqueue() reads it), in one global
--   order (the group key's hash), so two adds sharing groups never wait on each other in a cycle.
--   Keys: (hashtext(channel || ':group:' || queue), hashtext(group)); a hash collision only
--   serialises two groups' adds.
-- group_over_waiting(p_queue, p_jobs, p_ids, p_max) -> (grp, i): the first job of the batch (by
--   its index i) that takes its named group past p_max queued jobs, or no row. Counts, for each
--   named group with jobs in p_ids (the ids this add inserted: jobs matched by an idempotency key
--   are not in it and do not count), the group's queued jobs (ready and scheduled, every level)
--   on jobs_group_queued, with LIMIT p_max + (the group's inserted jobs): one bounded seek per
--   group. The batch's own earlier jobs count, in batch order.
-- Guarantees: enqueue() takes the locks before it inserts and checks after, with a statement that
--   reads a fresh snapshot: every add to the group committed before the lock was granted is
--   counted, and no add to the group can commit between the count and this transaction's end, so
--   two concurrent adds can never both pass. Nothing here raises: enqueue() deletes what it
--   inserted and reports the group, so a caller's transaction stays usable.
--
-- Kept here, not in a migration: src/migrate.ts runs every file of sql/functions after the
-- migrations, in their transaction, whenever it applied at least one (see sql/functions/README.md).
CREATE OR REPLACE FUNCTION {{schema}}.group_wait_lock(p_queue text, p_jobs json)
RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  v_key integer;
BEGIN
  FOR v_key IN
    SELECT DISTINCT hashtext(g.grp) FROM json_to_recordset(p_jobs) AS g(grp text)
    WHERE g.grp IS NOT NULL ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(hashtext({{channel}} || ':group:' || p_queue), v_key);
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION {{schema}}.group_over_waiting(p_queue text, p_jobs json, p_ids text[], p_max integer)
RETURNS TABLE (grp text, i integer)
LANGUAGE sql AS $fn$
  WITH mine AS (
    SELECT x.grp, x.i,
      row_number() OVER (PARTITION BY x.grp ORDER BY x.i) AS k,
      count(*) OVER (PARTITION BY x.grp) AS m
    FROM json_to_recordset(p_jobs) AS x(i integer, id text, grp text)
    JOIN unnest(p_ids) AS ins(id) ON ins.id = x.id
    WHERE x.grp IS NOT NULL
  ), had AS (
    SELECT g.grp,
      (SELECT count(*) FROM (
         SELECT 1 FROM {{schema}}.jobs q
         WHERE q.queue = p_queue AND q.state = 'queued' AND q.grp = g.grp
         LIMIT p_max + g.m) bounded) - g.m AS n
    FROM (SELECT DISTINCT mine.grp, mine.m FROM mine) g
  )
  SELECT mine.grp, mine.i FROM mine JOIN had ON had.grp = mine.grp
  WHERE had.n + mine.k > p_max
  ORDER BY mine.i
  LIMIT 1
$fn$;
