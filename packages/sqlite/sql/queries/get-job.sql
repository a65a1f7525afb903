-- get-job: one job by id.
--
-- Parameters: :id  the job id
-- Returns: the full jobs row, or no row.
-- Guarantees: unique-index lookup.
SELECT * FROM jobs WHERE id = :id
