-- group-join: makes imported jobs take turns, after import-jobs.sql (and group-mark.sql) wrote them.
--
-- Parameters: $1 queue; $2 the imported ids (text[])
-- Returns: one row (joined, always true).
-- Guarantees: group_join(): in a grouped queue each (level, group) of the listed queued jobs
--   without a stamp gets one, in seq order, as fresh adds would (stamps do not travel); nothing
--   for a queue that is not grouped.
SELECT {{schema}}.group_join($1, $2::text[]) IS NULL AS joined
