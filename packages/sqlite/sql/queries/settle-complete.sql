-- settle-complete: a running job whose handler returned becomes completed.
--
-- Parameters: :startedAt  the handler's real start, or NULL to keep the claim's (a prefetched job);
--   :id :leaseToken  the owner's proof; :queue  the settle's queue; :result  JSON or NULL; :now  the caller's clock
-- Returns: the row in its new state, or no row when the lease guard missed (nothing written).
-- Guarantees: guarded by queue, state = 'running' AND lease_token in the same statement, so a worker
--   whose lease was reclaimed can never complete a job another worker now owns.
UPDATE jobs SET
  state = 'completed',
  started_at = coalesce(:startedAt, started_at),
  result = :result,
  finished_at = :now,
  lease_token = NULL,
  lease_expires_at = NULL
WHERE id = :id AND queue = :queue AND state = 'running' AND lease_token = :leaseToken
RETURNING *
