-- settle: settles attempts and claims through {{schema}}.settle() (see 0001_init.sql).
--
-- Parameters: $1 queue; $2 now; $3 completed; $4 failed; $5 cancelled; $6 released (JSON arrays
--   or NULL); $7 worker id; $8 claim limit (0: none); $9 lease ms; $10 token
-- Returns: (kind 'settled' | 'claimed', job) rows.
-- Guarantees: those of the function: lease-guarded, one transaction, claim after settles.
SELECT kind, job FROM {{schema}}.settle($1, $2, $3::json, $4::json, $5::json, $6::json, $7, $8, $9, $10)
