-- listeners-prune: forgets listeners whose process stopped refreshing them.
--
-- @param staleBefore: number
-- Parameters: :staleBefore: listeners not refreshed since then (ms) go.
-- Returns: nothing.
-- Guarantees: only rows older than :staleBefore go; a live listener refreshes every second.
DELETE FROM listeners WHERE seen_at < :staleBefore
