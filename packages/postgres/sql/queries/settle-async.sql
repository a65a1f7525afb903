-- settle-async: settle.sql for `settleCommit: 'async'`, committed with synchronous_commit off.
--
-- @param queue: string
-- @param now: number
-- @param completed: string | null
-- @param failed: string | null
-- @param cancelled: string | null
-- @param released: string | null
-- @param workerId: string | null
-- @param limit: number
-- @param leaseMs: number
-- @param token: string
-- @returns { kind: 'settled'; job: JobJson } | { kind: 'claimed'; job: JobJson | NextStartJson }
-- @use JobJson, NextStartJson from rows
-- Parameters and Returns: those of settle.sql.
-- Guarantees: those of settle.sql, except durability: set_config(..., true) lasts until this
--   statement's own transaction ends, so only this commit returns before its WAL is flushed. A
--   server crash within about 3 × wal_writer_delay can undo it whole (never part of it): the
--   completed jobs go back to running with their lease and are reclaimed and run again, the
--   claimed ones go back to queued.
SELECT s.kind, s.job
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit,
     {{schema}}.settle($1, $2, $3::json, $4::json, $5::json, $6::json, $7, $8, $9, $10) AS s
