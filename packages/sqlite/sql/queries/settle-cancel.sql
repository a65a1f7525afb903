-- settle-cancel: a running job whose handler stopped after a cancel request becomes cancelled.
--
-- Parameters: :startedAt  the handler's real start, or NULL to keep the claim's (a prefetched job);
--   :id :leaseToken  the owner's proof; :queue  the settle's queue; :error  JSON or NULL; :now  the caller's clock
-- Returns: the row in its new state, or no row when the lease guard missed (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token in the same statement. A NULL :error
--   keeps the error an earlier attempt recorded.
UPDATE jobs SET
  state = 'cancelled',
  started_at = coalesce(:startedAt, started_at),
  finished_at = :now,
  error = coalesce(:error, error),
  lease_token = NULL,
  lease_expires_at = NULL
WHERE id = :id AND queue = :queue AND state = 'running' AND lease_token = :leaseToken
RETURNING *
