-- notices-prune: forgets journaled notices older than a cut-off.
--
-- @param before: number
-- Parameters: :before: notices journaled earlier than this (ms) go.
-- Returns: nothing.
-- Guarantees: a range of the notices_at index.
DELETE FROM notices WHERE at < :before
