-- 0016_group_names: the indexes listGroups walks (docs/design/groups.md, increment 6): a queue's
-- named groups by name in code-point order (COLLATE "C"), a page at a time.
--
-- `{{schema}}` is replaced before this runs, as for 0001_init. Applied by src/migrate.ts in one
-- transaction under the advisory lock, like the others. Raising the version also makes the
-- migrator re-create sql/functions (unchanged here).
--
-- Guarantees:
--   * jobs_group_names (queue, grp COLLATE "C", state, run_at) holds the queued and running jobs
--     of named groups only (ungrouped jobs, finished jobs: no entry). list-groups.sql finds the
--     next group name after a given one with one seek on it (LIMIT 1), so a page of n groups
--     costs n + 1 seeks whatever the queue holds, and counts a group's ready, scheduled and
--     running jobs with an index-only range scan of that group's entries. The existing
--     jobs_group_queued and jobs_group_running are in the database's default collation, whose
--     order need not be code-point order, so they cannot serve the walk (nor can a "C" index
--     serve their equality probes: an index is used only under its own collation).
--   * group_settings_names (queue, grp COLLATE "C") INCLUDE (weight) serves the same walk over
--     the groups with stored settings.
--   * Claims, adds and settles run the same statements as before; each grouped job writes one
--     more index entry per state it passes through while queued or running.
--   * Both indexes are built with a plain CREATE INDEX in the migration's transaction: they block
--     writes to jobs while they build, as 0013 did (the entries are the grouped jobs only).
CREATE INDEX jobs_group_names ON {{schema}}.jobs (queue, grp COLLATE "C", state, run_at)
  WHERE state IN ('queued', 'running') AND grp IS NOT NULL;

CREATE INDEX group_settings_names ON {{schema}}.group_settings (queue, grp COLLATE "C") INCLUDE (weight);
