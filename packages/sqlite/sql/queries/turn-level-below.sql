-- turn-level-below: the highest level of a grouped queue holding a turn below a given level.
--
-- @param queue: string
-- @param below: number
-- @returns { priority: number | null }
-- Parameters: :below is a level (exclusive); 9007199254740991 for the top.
-- Returns: one row, priority NULL when no level below :below holds a turn.
-- Guarantees: one seek on group_turns_order (queue, priority DESC), however many turns the queue
--   holds: a claim steps down the levels without reading any level's turns until it needs them.
SELECT max(priority) AS priority FROM group_turns WHERE queue = :queue AND priority < :below
