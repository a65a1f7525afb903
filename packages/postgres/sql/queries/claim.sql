-- claim: leases ready jobs through {{schema}}.claim() (see 0001_init.sql).
--
-- Parameters: $1 queue; $2 now; $3 worker id; $4 limit; $5 lease ms; $6 token
-- Returns: one `job` (row_to_json) per leased job, in no particular order.
-- Guarantees: those of the function: pause, global concurrency, ordering, SKIP LOCKED.
SELECT c AS job FROM {{schema}}.claim($1, $2, $3, $4, $5, $6) c
