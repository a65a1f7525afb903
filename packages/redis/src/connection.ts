/**
 * Options, connections and the descriptor: how a `RedisStorage` reaches its server, and the plain
 * data that lets another thread or process reach the same one.
 * @module
 */
import { type Logger, parseOptions, StorageUnavailableError } from '@waitline/core';
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { checkPrefix } from './keys.js';
import { type Reporting, resolveReporting } from './reporting.js';

/** Either kind of ioredis client. */
export type RedisClient = Redis | Cluster;

/** Connects to a Redis Cluster through the given startup nodes. */
export interface RedisClusterConnection {
  cluster: ClusterNode[];
  options?: ClusterOptions;
}

/**
 * How to reach Redis: ioredis options for one server, a cluster's startup nodes, or a client you
 * made (it stays yours: `close()` leaves it open, and only its plain-data options travel in a
 * descriptor).
 */
export type RedisConnection = RedisOptions | RedisClusterConnection | RedisClient;

/** Options of `RedisStorage.open`. */
export interface RedisStorageOptions {
  /** Defaults to `{ host: '127.0.0.1', port: 6379 }`. */
  connection?: RedisConnection | undefined;
  /** Every key starts with it (queue keys with `{prefix:queue}`); defaults to `'waitline'`. */
  prefix?: string | undefined;
  /**
   * Brings an older (or empty) prefix to the code's schema version on open; defaults to true.
   * With false, opening an unmigrated prefix throws `SchemaVersionError`.
   */
  migrate?: boolean | undefined;
  /**
   * Receives what no call returns: the warnings of the server check at open, and each reset the
   * storage finds, with its `StorageResetError` (branch on `error.code === 'STORAGE_RESET'`). The
   * same `Logger` shape as a Worker's `logger` option; defaults to `console.warn`, rate-limited
   * and shared by every storage of the process (so each warning is given once).
   */
  logger?: Logger | undefined;
  /**
   * At open, reads the server's `maxmemory-policy` and persistence (`CONFIG GET`) and warns through
   * `logger` when an eviction policy may drop jobs, when persistence is off, or (once) that it
   * could not check. Each warning is given once per server and logger in a process. Default true;
   * `fromDescriptor` never checks (its storage was opened, and checked, elsewhere).
   */
  checkServer?: boolean | undefined;
  /**
   * How often, in ms, a storage that a `Queue` or `Worker` uses makes sure its data is still there
   * (one `HGET` of the prefix's epoch); it also looks after every reconnect. Default 5 000.
   */
  resetCheckMs?: number | undefined;
}

/** The defaults every connection made here starts from, before the caller's options. */
const CONNECTION_DEFAULTS: RedisOptions = {
  host: '127.0.0.1',
  port: 6379,
  // Fail a command after a few reconnect attempts instead of the default 20, so callers see a
  // StorageUnavailableError (core retries it) rather than a call hanging for a minute.
  maxRetriesPerRequest: 3,
  // Reconnect within a second whatever the attempt (ioredis 6 backs off to 5 s and more): a call
  // made while the server is away fails in about 2 s, and work resumes within a second of its return.
  retryStrategy: reconnectDelay,
  // A command sent but unanswered when the connection dropped is sent again after the reconnect
  // (ioredis's default; turned off, ioredis drops such a command's promise unsettled). The
  // scripts are written for it: an add that already ran answers as it did (lib/enqueue.lua).
};

/** ioredis's delay before reconnect attempt `times` (1-based): 50 ms doubling, at most 1 s. @internal */
export function reconnectDelay(times: number): number {
  return Math.min(50 * 2 ** Math.max(0, times - 1), 1_000);
}

/** Options with defaults resolved. @internal */
export interface ResolvedOptions {
  prefix: string;
  migrate: boolean;
  connection: RedisConnection;
  reporting: Reporting;
}

const optionsSchema = z
  .object({
    // ioredis options, a cluster's startup nodes, or a client: checked by ioredis itself.
    connection: z.custom<RedisConnection>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'connection must be an object').optional(),
    prefix: z.string().optional(),
    migrate: z.boolean().optional(),
    // Checked, with their own messages, by resolveReporting.
    logger: z.unknown().optional(),
    checkServer: z.unknown().optional(),
    resetCheckMs: z.unknown().optional(),
  })
  .strict();

/**
 * Resolves defaults and checks the options: anything but a plain object (or undefined), an unknown
 * key or a wrong-typed field is a `ValidationError` whose path names the field (`[]` for the
 * options argument itself).
 * @internal
 */
export function resolveOptions(options: RedisStorageOptions | undefined = {}): ResolvedOptions {
  const parsed = parseOptions(optionsSchema, options, 'Redis storage options', []);
  return {
    prefix: checkPrefix(parsed.prefix ?? 'waitline'),
    migrate: parsed.migrate ?? true,
    connection: options.connection ?? {},
    reporting: resolveReporting(options),
  };
}

/**
 * True for an ioredis client, of this copy of ioredis or of the app's own (another version, or a
 * copy the package manager did not dedupe): detected by shape, since `instanceof` only knows one
 * copy, and a client taken for options would be silently replaced by a new connection to db 0.
 * @internal
 */
export function isClient(c: unknown): c is RedisClient {
  const client = c as { duplicate?: unknown; sendCommand?: unknown; status?: unknown } | null;
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof client.duplicate === 'function' &&
    typeof client.sendCommand === 'function' &&
    typeof client.status === 'string'
  );
}

/** True for an ioredis `Cluster` of any copy of ioredis (see {@link isClient}). @internal */
export function isCluster(c: unknown): c is Cluster {
  return isClient(c) && typeof (c as { nodes?: unknown }).nodes === 'function' && (c as { isCluster?: unknown }).isCluster === true;
}

function isClusterConnection(c: RedisConnection): c is RedisClusterConnection {
  return Array.isArray((c as Partial<RedisClusterConnection>).cluster);
}

/** A client and whether the storage created it (and so closes it). @internal */
export interface OpenedClient {
  client: RedisClient;
  owned: boolean;
}

/**
 * ioredis's `RedisOptions` declares `replyMapping` as possibly undefined where its constructors do
 * not (seen with `exactOptionalPropertyTypes`); options are passed as this type, which says the
 * field is never set, rather than cast at each call.
 */
type IoredisOptions = RedisOptions & { replyMapping?: never };

/** Creates the storage's command client, or adopts the caller's. @internal */
export function connect(connection: RedisConnection): OpenedClient {
  if (isClient(connection)) return { client: connection, owned: false };
  if (isClusterConnection(connection)) {
    const options = connection.options ?? {};
    const redisOptions: IoredisOptions = { maxRetriesPerRequest: CONNECTION_DEFAULTS.maxRetriesPerRequest, ...options.redisOptions } as IoredisOptions;
    return { client: new Cluster(connection.cluster, { ...options, redisOptions }), owned: true };
  }
  return { client: new Redis({ ...CONNECTION_DEFAULTS, ...connection } as IoredisOptions), owned: true };
}

/** Keeps only what survives JSON: functions, sockets and the like are dropped. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? {})) as T;
}

/** Plain options of one server client. */
function serverOptions(o: RedisOptions): RedisOptions {
  const { host, port, path, db, username, password, tls, family, connectTimeout, commandTimeout, maxRetriesPerRequest } = o;
  // The JSON round trip drops the fields left undefined, so the result is a RedisOptions.
  return plain({ host, port, path, db, username, password, tls, family, connectTimeout, commandTimeout, maxRetriesPerRequest }) as RedisOptions;
}

/**
 * The plain-data form of a connection, for a descriptor: options as given (functions dropped), or
 * what a client's options say about where it connects.
 * @internal
 */
export function describeConnection(connection: RedisConnection): Record<string, unknown> {
  if (isCluster(connection)) {
    const nodes = connection.nodes('master').map((n) => ({ host: n.options.host, port: n.options.port }));
    const redisOptions = serverOptions(connection.options.redisOptions ?? {});
    return { cluster: nodes, options: { redisOptions } };
  }
  if (isClient(connection)) return serverOptions((connection as Redis).options) as Record<string, unknown>;
  return plain(connection) as Record<string, unknown>;
}

/**
 * Makes sure the connection works in the database its options name: ioredis selects it at
 * connect, but when the server refuses (an index past its `databases` setting) it only emits an
 * error and goes on in database 0, where every command would read and write another database's
 * keys. Throws `StorageUnavailableError` saying so. A cluster has database 0 only. @internal
 */
export async function checkDatabase(client: RedisClient, where: string): Promise<void> {
  if (isCluster(client)) return;
  const db = (client as Redis).options?.db;
  if (typeof db !== 'number' || db === 0) return;
  try {
    await (client as Redis).select(db);
  } catch (err) {
    if (!(err instanceof Error) || !/out of range|invalid/i.test(err.message)) throw err;
    throw new StorageUnavailableError(`Redis storage ${where}: database ${db} does not exist on this server (${err.message}; see its \`databases\` setting)`, {
      cause: err,
    });
  }
}
