/**
 * The schema version of a prefix, kept in its meta hash (`prefix:meta`, field `schema`). Version 1
 * is the key layout of `lua/lib/common.lua`.
 * @module
 */
import { SchemaVersionError } from '@waitline/core';
import type { RedisContext, Tagged } from './context.js';

/** The schema version this code writes and reads. */
export const REDIS_SCHEMA_VERSION = 1;

/**
 * Reads the prefix's version and, with `write`, brings an older one to the code's, atomically.
 * Throws `SchemaVersionError` for a newer version, and for an older one when not writing.
 * @internal
 */
export async function ensureSchema(ctx: RedisContext, write: boolean): Promise<void> {
  const [tag, found] = await ctx.onKeys<Tagged>('migrate', [ctx.keys.meta], [String(REDIS_SCHEMA_VERSION), write ? '1' : '0']);
  const version = Number(found);
  if (tag === 'newer') {
    throw new SchemaVersionError(
      `Redis prefix "${ctx.keys.prefix}" holds schema version ${version}, newer than this code's ${REDIS_SCHEMA_VERSION}: upgrade @waitline/redis`,
      version,
      REDIS_SCHEMA_VERSION,
    );
  }
  if (!write && version < REDIS_SCHEMA_VERSION) {
    throw new SchemaVersionError(
      `Redis prefix "${ctx.keys.prefix}" holds schema version ${version}, older than this code's ${REDIS_SCHEMA_VERSION}: open it with migrate: true or call migrate()`,
      version,
      REDIS_SCHEMA_VERSION,
    );
  }
}
