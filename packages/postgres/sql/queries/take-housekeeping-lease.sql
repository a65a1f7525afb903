-- take-housekeeping-lease: the compare-and-set of a queue's housekeeping lease, and the stored
-- policy.
--
-- @param queue: string
-- @param holder: string
-- @param now: number
-- @param expiresAt: number
-- @returns { retention: RetentionPolicy | null; held: boolean }
-- @use RetentionPolicy from rows
-- Parameters: expiresAt is now + the lease's length.
-- Returns: one row: the stored policy (NULL for none) and whether this call holds the lease.
-- Guarantees: the lease changes hands only when it is free, expired (expires_at <= $3) or already
--   $2's; a concurrent taker waits on the row lock and re-checks the condition on the committed
--   row, so at most one holds it. Renewing with $4 = $3 hands it back at once.
WITH taken AS (
  INSERT INTO {{schema}}.housekeeping AS h (queue, holder, expires_at) VALUES ($1, $2, $4)
  ON CONFLICT (queue) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
    WHERE h.holder IS NULL OR h.holder = excluded.holder OR h.expires_at <= $3
  RETURNING h.retention
)
SELECT t.retention, true AS held FROM taken t
UNION ALL
SELECT h.retention, false AS held FROM {{schema}}.housekeeping h
WHERE h.queue = $1 AND NOT EXISTS (SELECT 1 FROM taken)
