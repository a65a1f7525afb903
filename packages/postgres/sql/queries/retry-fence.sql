-- retry-fence: the locks an add takes before it reads the queue, for a retry by hand.
--
-- @param queue: string
-- @returns { fenced: boolean }
-- Returns: one row, once the lock is granted.
-- Guarantees: takes the queue's drain fence SHARED until the end of the transaction, as enqueue()
--   does before it reads `draining` (0003_draining.sql): a drain() that set the flag has committed
--   before the retry reads it, and no drain() sets it until the retry's transaction ends. Run it
--   first in the retry's transaction, before any row is read or locked.
SELECT true AS fenced FROM pg_advisory_xact_lock_shared(hashtext({{channel}} || ':drain'), hashtext($1))
