-- 0014_group_weights: per-group weights of a grouped queue (docs/design/groups.md, increment 3):
-- a group of weight w gives w jobs per round of its level before it goes to the back.
--
-- `{{schema}}` is replaced before this runs, as for 0001_init. Applied by src/migrate.ts in one
-- transaction under the advisory lock, like the others. Raising the version also makes the
-- migrator re-create sql/functions: claim() reads queues.weighted with the queue row it locks and
-- passes it to claim_grouped(), which passes it to group_served().
--
-- Guarantees:
--   * group_settings holds the settings setGroup stored for a named group of a queue (never the
--     default group ''): weight, an integer from 1 to 100. A group without a row has weight 1.
--     A row stays while the queue has no job of the group: the weight is per queue and group,
--     for every level.
--   * queues.weighted is true while the queue has at least one group_settings row (set-group.sql
--     and unset-group.sql keep it so, under the queue row's lock); false on every queue written
--     before. While it is false, a grouped claim runs exactly the statements of 0013 and a grouped
--     position reads no group_settings row.
--   * group_turns.used (0012, 0 on every stamp so far) is now the count of jobs the group gave in
--     its current round at the level: 0 on a new or fresh stamp, bumped by a claim that leaves
--     the group its stamp (weight not reached), reset to 0 with every fresh stamp.
--   * claim_grouped() gains p_weighted and group_served() gains p_weighted: their old signatures
--     are dropped here (IF EXISTS: a schema created from scratch applies every migration before
--     sql/functions creates any function) and the new ones created by
--     sql/functions/groups-claim.sql.
ALTER TABLE {{schema}}.queues ADD COLUMN weighted boolean NOT NULL DEFAULT false;

CREATE TABLE {{schema}}.group_settings (
  queue  text    NOT NULL,
  grp    text    NOT NULL,
  weight integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
  PRIMARY KEY (queue, grp)
);

DROP FUNCTION IF EXISTS {{schema}}.claim_grouped(text, bigint, text, bigint, bigint, text, integer);
DROP FUNCTION IF EXISTS {{schema}}.group_served(text, integer, text, bigint);
