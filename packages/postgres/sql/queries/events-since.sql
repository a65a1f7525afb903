-- events-since: journaled events after a cursor, in commit-safe order.
--
-- Parameters: $1 cursor tx (xid8 as text); $2 cursor id; $3 own listener id; $4 limit;
--   $5 now - 1000 ms
-- Returns: (tx, id, queue, body) rows by (tx, id).
-- Guarantees: only rows whose transaction is older than every transaction still running
--   (tx < pg_snapshot_xmin), or written over a second ago, so a row that commits late is not
--   passed by the cursor; rows this listener wrote are skipped.
SELECT e.tx::text AS tx, e.id, e.queue, e.body FROM {{schema}}.events e
WHERE (e.tx, e.id) > ($1::xid8, $2::bigint)
  AND (e.tx < pg_snapshot_xmin(pg_current_snapshot()) OR e.at < $5)
  AND e.process_id <> $3
ORDER BY e.tx, e.id
LIMIT $4
