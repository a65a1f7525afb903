-- 0012_group_weights: per-group weights of a grouped queue (docs/design/groups.md, increment 3).
--
-- Applied by src/migrate.ts inside BEGIN IMMEDIATE when PRAGMA user_version is 11.
--
-- Guarantees:
--   * group_settings holds one row per (queue, named group) with stored settings (setGroup): the
--     group's weight, an integer from 1 to 100, the jobs it gives per round of each level's
--     rotation. A group without a row has weight 1; the default group ('') never has one.
--     WITHOUT ROWID on the primary key (queue, grp): the claim's weight lookup (turn-bump.sql)
--     and the position's join (turns-at.sql) are one primary-key seek, and listGroupSettings
--     reads a queue's rows in grp order (BINARY) without a sort.
--   * group_turns.used, added by 0010_groups with DEFAULT 0 and kept at 0 until now, is how many
--     jobs of its current round the group has given at the level: turn-bump.sql counts it up to
--     the weight and resets it with a new stamp; a new stamp (turn-join.sql,
--     stamp-default-group.sql) starts at 0; turn-leave.sql deletes it with the stamp. So no
--     column is added here, and existing stamps (used 0) keep their meaning.
--   * Nothing is rewritten: a new, empty table.
CREATE TABLE group_settings (
  queue  TEXT    NOT NULL,
  grp    TEXT    NOT NULL,
  weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
  PRIMARY KEY (queue, grp)
) STRICT, WITHOUT ROWID;
