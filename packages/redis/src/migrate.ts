/**
 * The schema version of a prefix and its epoch, kept in its meta hash (`prefix:meta`, fields
 * `schema` and `epoch`). Version 3 is the key layout of `lua/lib/common.lua`; the epoch is a random
 * id written when the prefix has none, so a storage that finds it gone or changed knows the data
 * it saw was wiped (see `reset-watch.ts`).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { checkSchemaVersion } from '@waitline/core';
import type { RedisContext } from './context.js';

/**
 * The schema version this code writes and reads: 2 adds the group keys (`lua/lib/common.lua`),
 * written on first use; 3 adds the per-group running counts (`T:grun` and a lease's `grun` field),
 * built by the script that first sets a queue's `groupConcurrency`. Migrating from 1 or 2 only
 * raises the version, which keeps older code, which would leave the counts behind, off the prefix.
 * The group weights (`lua/lib/weights.lua`) keep version 3: absent they read as weight 1 and used
 * 0, and version-3 code beside them only ignores the weights, leaving no state wrong behind.
 * The group rate limit (`T:grate:<group>`, `T:grates`, `lua/lib/group-holds.lua`) keeps it too:
 * new keys only, which version-3 code ignores (it neither enforces the limit nor logs its starts).
 */
export const REDIS_SCHEMA_VERSION = 3;

/**
 * Reads the prefix's version and, with `write`, brings an older one to the code's, atomically;
 * returns the prefix's epoch (written first when missing and the version is the code's).
 * Throws `SchemaVersionError` for a newer version, and for an older one when not writing.
 * @internal
 */
export async function ensureSchema(ctx: RedisContext, write: boolean): Promise<string> {
  const [, version, epoch] = await ctx.onKeys('migrate', [ctx.keys.meta], [String(REDIS_SCHEMA_VERSION), write ? '1' : '0', randomUUID()]);
  // The script writes nothing for a newer version (tag 'newer') and migrates an older one when writing.
  checkSchemaVersion({ found: version, expected: REDIS_SCHEMA_VERSION, where: `Redis prefix "${ctx.keys.prefix}"`, pkg: '@waitline/redis', migrating: write });
  return epoch;
}

/** The prefix's epoch as stored now, or null when it has none. @internal */
export async function readEpoch(ctx: RedisContext): Promise<string | null> {
  return ctx.client.hget(ctx.keys.meta, 'epoch');
}
