-- take-housekeeping-lease: the compare-and-set of a queue's housekeeping lease.
--
-- Parameters: :queue; :holder  who asks; :now; :expiresAt  now + the lease's length
-- Returns: `retention` (JSON text or NULL) and `holder` after the statement: the caller holds the
--   lease when holder = :holder.
-- Guarantees: the lease changes hands only when it is free, expired (expires_at <= :now) or
--   already :holder's, in one statement under SQLite's write lock, so of many callers at once at
--   most one holds it. Renewing with expiresAt = now hands it back at once.
INSERT INTO housekeeping (queue, holder, expires_at) VALUES (:queue, :holder, :expiresAt)
ON CONFLICT (queue) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
  WHERE housekeeping.holder IS NULL OR housekeeping.holder = excluded.holder
    OR housekeeping.expires_at <= :now
RETURNING retention, holder
