-- events-since: journaled events after a cursor, in commit-safe order.
--
-- @param cursorTx: string
-- @param cursorId: number
-- @param listener: string
-- @param limit: number
-- @param settled: number
-- @returns { tx: string; id: number; queue: string; body: StorageNotice }
-- @use StorageNotice from rows
-- Parameters: cursorTx is an xid8 as text; listener is this storage's own id; settled is
--   now - 1000 ms.
-- Returns: rows by (tx, id).
-- Guarantees: only rows whose transaction is older than every transaction still running
--   (tx < pg_snapshot_xmin), or written over a second ago, so a row that commits late is not
--   passed by the cursor; rows this listener wrote are skipped.
SELECT e.tx::text AS tx, e.id, e.queue, e.body FROM {{schema}}.events e
WHERE (e.tx, e.id) > ($1::xid8, $2::bigint)
  AND (e.tx < pg_snapshot_xmin(pg_current_snapshot()) OR e.at < $5)
  AND e.process_id <> $3
ORDER BY e.tx, e.id
LIMIT $4
