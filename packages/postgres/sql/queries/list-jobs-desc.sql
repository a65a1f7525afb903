-- list-jobs-desc: one page of a queue's jobs in the given states, newest seq first.
--
-- @param queue: string
-- @param states: readonly string[]
-- @param limit: number
-- @param offset: number
-- @param afterSeq: number | null
-- @returns JobRow
-- @use JobRow from rows
-- Parameters: afterSeq, when given: only jobs whose seq is < afterSeq (keyset paging).
-- Returns: rows ordered by seq descending.
-- Guarantees: a read of one snapshot.
SELECT row_to_json(j) AS job FROM {{schema}}.jobs j
WHERE j.queue = $1 AND j.state = ANY ($2::text[]) AND ($5::bigint IS NULL OR j.seq < $5::bigint)
ORDER BY j.seq DESC
LIMIT $3 OFFSET $4
