/**
 * The server check at open. Jobs live only in Redis, so a server that may evict keys, or that
 * forgets everything when it restarts, can lose them without an error: the check reads
 * `maxmemory-policy`, `appendonly` and `save` (`CONFIG GET`, on every master of a cluster) and
 * warns through the storage's logger. Managed services often refuse `CONFIG`: then it says, once,
 * that it could not check. Each warning is given once per server and logger in a process, so many
 * storages on one server do not repeat it.
 *
 * Specific to Redis, so a module of its own: SQLite and Postgres keep what they commit.
 * @module
 * @internal
 */
import type { Redis } from 'ioredis';
import type { Logger } from '@waitline/core';
import { isCluster, type RedisClient } from './connection.js';

/** What each logger was already told, by server and warning. */
const told = new WeakMap<Logger, Set<string>>();

function warnOnce(logger: Logger, key: string, message: string): void {
  let seen = told.get(logger);
  if (!seen) told.set(logger, (seen = new Set()));
  if (seen.has(key)) return;
  seen.add(key);
  logger.warn(message);
}

function label(node: Redis): string {
  const { path, host, port, db } = node.options;
  return `${path ?? `${host}:${port}`}${db ? `/${db}` : ''}`;
}

async function setting(node: Redis, name: string): Promise<string> {
  const reply = (await node.config('GET', name)) as unknown[];
  // A Redis-like server that does not know the setting answers an empty list.
  if (!Array.isArray(reply) || reply.length < 2) throw new Error(`CONFIG GET ${name} gave no value`);
  return String(reply[1]);
}

async function checkNode(node: Redis, logger: Logger): Promise<void> {
  const where = label(node);
  let policy: string;
  let appendonly: string;
  let save: string;
  try {
    [policy, appendonly, save] = await Promise.all([setting(node, 'maxmemory-policy'), setting(node, 'appendonly'), setting(node, 'save')]);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const message = `@waitline/redis could not check the eviction policy and persistence of Redis at ${where} (${why}): make sure maxmemory-policy is noeviction and persistence (AOF or RDB snapshots) is on, or jobs can be lost`;
    warnOnce(logger, `${where} unchecked`, message);
    return;
  }
  if (policy !== 'noeviction') {
    const message = `@waitline/redis: Redis at ${where} has maxmemory-policy "${policy}": once it reaches maxmemory it may evict Waitline's keys (jobs, leases, queue configuration) without an error. Set maxmemory-policy noeviction: a full server then refuses writes, and Waitline reports them`;
    warnOnce(logger, `${where} policy ${policy}`, message);
  }
  if (appendonly !== 'yes' && save.trim() === '') {
    const message = `@waitline/redis: Redis at ${where} has persistence off (appendonly no, save ""): a restart loses every job. Waitline notices and reports a StorageResetError but cannot bring the jobs back. Turn on AOF (appendonly yes) or RDB snapshots (save)`;
    warnOnce(logger, `${where} persistence`, message);
  }
}

/** Checks the server (each master of a cluster) and warns through `logger`; never throws. @internal */
export async function checkServer(client: RedisClient, logger: Logger): Promise<void> {
  const nodes = isCluster(client) ? client.nodes('master') : [client as Redis];
  await Promise.all(nodes.map((node) => checkNode(node, logger)));
}
