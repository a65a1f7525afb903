-- turns-page: the next turns of one level of a grouped queue after a stamp, in the order groups go.
--
-- @param queue: string
-- @param priority: number
-- @param after: number
-- @param limit: number
-- @returns { grp: string; turn: number }
-- Parameters: :priority is the level; :after the last stamp read (-1 to start); :limit the page size.
-- Returns: grp ('' = default group) and turn, by turn (stamps are unique at a level).
-- Guarantees: a LIMITed keyset walk of group_turns_order: a claim reads turns in pages and stops
--   at the first group with a ready head, so it reads O(groups skipped) stamps, not the level's.
--   CAST: see claim.sql.
SELECT grp, turn FROM group_turns
WHERE queue = :queue AND priority = :priority AND turn > :after
ORDER BY turn, grp
LIMIT CAST(:limit AS INTEGER)
