-- enqueue: writes a batch of jobs through {{schema}}.enqueue() (see 0001_init.sql).
--
-- Parameters: $1 queue; $2 now (ms); $3 JSON array of jobs (see the function's header)
-- Returns: (status, id, seq, job) rows: inserted (id, seq), existing (the stored job), or one
--   full, group_full or draining row.
-- Guarantees: those of the function: all or none, maxSize and groupMaxWaiting atomic, NOTIFY at
--   commit.
SELECT status, id, seq, job FROM {{schema}}.enqueue($1, $2, $3::json)
