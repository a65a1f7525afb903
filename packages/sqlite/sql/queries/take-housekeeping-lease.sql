-- take-housekeeping-lease: the compare-and-set of a queue's housekeeping lease.
--
-- @param queue: string
-- @param holder: string
-- @param now: number
-- @param expiresAt: number
-- @returns { retention: string | null; holder: string | null }
-- Parameters: :holder is who asks; :expiresAt now + the lease's length.
-- Returns: the row after the statement (retention is JSON text or NULL): the caller holds the
--   lease when holder = :holder.
-- Guarantees: the lease changes hands only when it is free, expired (expires_at <= :now) or
--   already :holder's, in one statement under SQLite's write lock, so of many callers at once at
--   most one holds it. Renewing with expiresAt = now hands it back at once.
INSERT INTO housekeeping (queue, holder, expires_at) VALUES (:queue, :holder, :expiresAt)
ON CONFLICT (queue) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
  WHERE housekeeping.holder IS NULL OR housekeeping.holder = excluded.holder
    OR housekeeping.expires_at <= :now
RETURNING retention, holder
