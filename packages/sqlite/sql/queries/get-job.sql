-- get-job: one job by id.
--
-- @param id: string
-- @returns JobRow
-- @use JobRow from rows
-- Returns: the full jobs row, or no row.
-- Guarantees: unique-index lookup.
SELECT * FROM jobs WHERE id = :id
