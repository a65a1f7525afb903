/**
 * `listGroups` pages: how a storage that reads one group past the page turns its rows into a
 * page, so every storage says `nextAfter` the same way.
 * @module
 */
import type { GroupCounts, GroupsPage } from './storage-reads.js';

/**
 * The page of at most `limit` groups from `rows`, the groups a storage read in name order after
 * the page's `after`, at most `limit + 1` of them: a row past `limit` means another page follows,
 * and `nextAfter` names the page's last group; otherwise it is null.
 */
export function groupsPage(rows: readonly GroupCounts[], limit: number): GroupsPage {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextAfter: rows.length > limit && last !== undefined ? last.group : null };
}
