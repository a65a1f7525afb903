/**
 * liteque 0.8.0 driven as its README shows: `buildDBClient(path, { runMigrations: true })`
 * (WAL + synchronous=NORMAL are its defaults, plus cache_size=-65536 and temp_store=MEMORY),
 * `SqliteQueue.enqueue`, and one `Runner` with its own `concurrency` option.
 *
 * Bulk: liteque has no bulk enqueue, and its async `enqueue` cannot run inside the drizzle /
 * better-sqlite3 transaction the client exposes ("Transaction function cannot return a
 * promise"), so S2 is sequential `enqueue` calls ("no bulk API").
 *
 * Compatibility: liteque's dequeue runs an *async* callback in drizzle's better-sqlite3
 * transaction. better-sqlite3 11.10 and later throw on that ("Transaction function cannot return
 * a promise"; known upstream, karakeep-app/karakeep#1594; karakeep pins 11.3.0), so liteque's
 * Runner cannot dequeue at all on the better-sqlite3 12.11.1 used here. Rather than build a
 * second, older better-sqlite3, the connection's `transaction` is given back its pre-11.10
 * behaviour (BEGIN, call, COMMIT when the callback returns, promise or not): the same engine and
 * SQLite as everyone else, and the behaviour liteque has on the versions it works with.
 *
 * Completion: the Runner calls `onComplete` before it deletes the finished row, so the bench
 * counts a job as completed when `finalize(..., 'completed')` resolves, observed through a
 * subclass that only adds a callback after the original method.
 */
import type Database from 'better-sqlite3';
import { buildDBClient, Runner, SqliteQueue } from 'liteque';
import { z } from 'zod';
import { placeOf } from '../places.js';
import type { BenchSystem, JobRef, Payload, Place, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

type Db = ReturnType<typeof buildDBClient>;
const payloadSchema = z.object({ i: z.number() });

/** buildDBClient does not hand back the better-sqlite3 handle; drizzle keeps it on its session. */
function clientOf(db: Db): Database.Database {
  const client = (db as unknown as { session?: { client?: Database.Database } }).session?.client;
  if (!client) throw new Error('liteque: no better-sqlite3 handle on the drizzle session');
  return client;
}

class ObservedQueue extends SqliteQueue<Payload> {
  onFinalized: ((status: string) => void) | undefined;

  override async finalize(
    id: number,
    allocationId: string,
    status: 'completed' | 'pending_retry' | 'failed',
    availableAt?: Date,
    refundRetry?: boolean,
  ): Promise<void> {
    await super.finalize(id, allocationId, status, availableAt, refundRetry);
    this.onFinalized?.(status);
  }
}

/** better-sqlite3 < 11.10 `transaction`: no check on what the callback returns. */
function restoreLegacyTransaction(client: Database.Database): void {
  const begin = {
    deferred: client.prepare('BEGIN'),
    immediate: client.prepare('BEGIN IMMEDIATE'),
    exclusive: client.prepare('BEGIN EXCLUSIVE'),
  };
  const commit = client.prepare('COMMIT');
  const rollback = client.prepare('ROLLBACK');
  type Fn = (...args: unknown[]) => unknown;
  const wrap =
    (fn: Fn, start: Database.Statement) =>
    (...args: unknown[]) => {
      if (client.inTransaction) return fn(...args);
      start.run();
      try {
        const result = fn(...args);
        commit.run();
        return result;
      } catch (e) {
        if (client.inTransaction) rollback.run();
        throw e;
      }
    };
  const legacy = (fn: Fn) =>
    Object.assign(wrap(fn, begin.deferred), {
      deferred: wrap(fn, begin.deferred),
      immediate: wrap(fn, begin.immediate),
      exclusive: wrap(fn, begin.exclusive),
    });
  (client as unknown as { transaction: typeof legacy }).transaction = legacy;
}

export const createLiteque: SystemFactory = ({ pollMs, validate }) => {
  let db: Db | undefined;
  let queue: ObservedQueue | undefined;

  const q = (): ObservedQueue => {
    if (!queue) throw new Error('liteque: setup() not called');
    return queue;
  };

  const system: BenchSystem = {
    id: 'liteque',
    family: 'sqlite',
    name: 'liteque 0.8.0',
    bulk: 'none',
    notes: [
      'buildDBClient(path, { runMigrations: true }): WAL, synchronous=NORMAL, 64 MiB cache',
      'no bulk API (async enqueue cannot join its transaction): S2 = sequential enqueue',
      "connection's transaction() restored to better-sqlite3 < 11.10 behaviour (see karakeep#1594), else its Runner cannot dequeue",
      `Runner concurrency = N, pollIntervalMs = ${pollMs} (README example: 1000), timeoutSecs = 60`,
      validate ? 'Runner validator = zod schema' : 'no Runner validator',
    ],

    async setup(place: Place) {
      const dbPath = placeOf(place, 'sqlite').path;
      db = buildDBClient(dbPath, { runMigrations: true });
      restoreLegacyTransaction(clientOf(db));
      queue = new ObservedQueue('bench', db, { defaultJobArgs: { numRetries: 0 }, keepFailedJobs: false });
    },

    async addOne(payload: Payload): Promise<JobRef> {
      const job = await q().enqueue(payload);
      if (!job) throw new Error('liteque: enqueue returned nothing');
      return job.id;
    },

    async addBulk(payloads: Payload[]): Promise<JobRef[]> {
      const ids: JobRef[] = [];
      for (const p of payloads) ids.push(await system.addOne(p));
      return ids;
    },

    async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
      const queue = q();
      queue.onFinalized = (status) => {
        if (status === 'completed') onCompleted();
      };
      const runner = new Runner<Payload>(
        queue,
        { run: async () => void (await handler()) },
        {
          concurrency,
          pollIntervalMs: pollMs,
          timeoutSecs: 60,
          ...(validate ? { validator: payloadSchema } : {}),
        },
      );
      const loop = runner.run();
      return {
        async stop() {
          runner.stop();
          await loop;
        },
      };
    },

    async teardown() {
      if (db) clientOf(db).close();
      db = undefined;
      queue = undefined;
    },
  };
  return system;
};
