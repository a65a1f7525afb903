-- fold-queued-counts: folds a bounded batch of a queue's per-connection position counts into one
-- row per bucket (fold_queued_counts, since 0017).
--
-- @param queue: string
-- @param limit: number
-- @returns { moved: number }
-- Returns: one row, the number of rows folded (below limit when the queue had no more).
-- Guarantees: positions read the same before and after; never waits for a writer's row.
SELECT {{schema}}.fold_queued_counts($1, $2) AS moved
