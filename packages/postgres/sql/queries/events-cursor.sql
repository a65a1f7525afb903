-- events-cursor: where a new listener starts reading the journal.
--
-- @returns { tx: string; id: number }
-- Returns: one row: the greater of the last journaled row and the oldest running transaction,
--   so a new listener reads only what is written from now on.
-- Guarantees: a backward scan of the primary key for one row.
SELECT c.tx::text AS tx, c.id FROM (
  (SELECT e.tx, e.id FROM {{schema}}.events e ORDER BY e.tx DESC, e.id DESC LIMIT 1)
  UNION ALL
  SELECT pg_snapshot_xmin(pg_current_snapshot()), -1::bigint
) c
ORDER BY c.tx DESC, c.id DESC
LIMIT 1
