/**
 * pg-boss 10.4.2 (the last major for Node 20; 11+ needs Node 22), in two rows:
 * - defaults: `new PgBoss({ connectionString, schema })`, `createQueue`, `send`, and for
 *   concurrency N, N `work()` calls with default options (v10 removed teamSize/teamConcurrency;
 *   its author: "each call to work() adds a new polling worker", timgit/pg-boss#483). A v10 worker
 *   waits `pollingIntervalSeconds` (default 2) after every fetch, so it takes one job per 2 s.
 * - tuned: one `work()` with `batchSize: 1000` and `pollingIntervalSeconds: 0.5` (the minimum),
 *   its handler running the batch's jobs N at a time (the pattern its author gives for v10
 *   concurrency, timgit/pg-boss#542), and `notifyWorker(id)` after each add so an idle worker polls
 *   at once (possible here because producer and worker share a process).
 * Both: bulk = `insert()` (one statement per chunk; ids chosen client-side, as `insert` returns none).
 *
 * Completion: `work()` completes a batch after its handler resolves, without awaiting the write, and
 * has no completion event, so `onCompleted` runs after each job's handler and `settled()` waits
 * until `getQueueSize(queue, { before: 'completed' })` is 0 (every job added is completed).
 */
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import { placeOf } from '../places.js';
import type { BenchSystem, JobRef, Payload, Place, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

const QUEUE = 'bench';
const BATCH = 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items`, at most `limit` at a time, in order of start. */
async function limited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

function createPgBoss(tuned: boolean): SystemFactory {
  return () => {
    let boss: PgBoss | undefined;
    let workerIds: string[] = [];
    let lastError: unknown;

    const b = (): PgBoss => {
      if (!boss) throw new Error('pg-boss: setup() not called');
      return boss;
    };
    const notify = (): void => {
      if (tuned) for (const id of workerIds) b().notifyWorker(id);
    };

    const system: BenchSystem = {
      id: tuned ? 'pg-boss-tuned' : 'pg-boss',
      name: tuned ? 'pg-boss 10.4.2 (tuned)' : 'pg-boss 10.4.2 (defaults)',
      family: 'postgres',
      bulk: 'native',
      notes: [
        'new PgBoss({ connectionString, schema }) with its defaults (pool max 10, supervise, schedule); createQueue("bench"); send per job; bulk = insert()',
        tuned
          ? `one work("bench", { batchSize: ${BATCH}, pollingIntervalSeconds: 0.5 }) whose handler runs its batch N jobs at a time (pg-boss#542); notifyWorker(id) after each add`
          : 'concurrency N = N work("bench", handler) calls with default options (batchSize 1, pollingIntervalSeconds 2; pg-boss#483)',
        'completion: after the handler (work() writes it unawaited); a drain ends once getQueueSize(queue, { before: "completed" }) is 0',
      ],

      async setup(p: Place) {
        const { connectionString, schema } = placeOf(p, 'postgres');
        boss = new PgBoss({ connectionString, schema });
        boss.on('error', (e) => {
          lastError = e;
        });
        await boss.start();
        await boss.createQueue(QUEUE);
      },

      async addOne(payload: Payload): Promise<JobRef> {
        const id = await b().send(QUEUE, payload);
        if (!id) throw new Error(`pg-boss: send returned no id (${String(lastError ?? '')})`);
        notify();
        return id;
      },

      async addBulk(payloads: Payload[]): Promise<JobRef[]> {
        const rows = payloads.map((data) => ({ name: QUEUE, data, id: randomUUID() }));
        await b().insert(rows);
        const ids = rows.map((row) => row.id);
        notify();
        return ids;
      },

      async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
        const run = async (): Promise<void> => {
          await handler();
          onCompleted();
        };
        if (tuned) {
          const opts = { batchSize: BATCH, pollingIntervalSeconds: 0.5 };
          workerIds = [await b().work<Payload>(QUEUE, opts, (jobs) => limited(jobs, concurrency, run))];
        } else {
          workerIds = [];
          for (let k = 0; k < concurrency; k++) {
            workerIds.push(await b().work<Payload>(QUEUE, async (jobs) => limited(jobs, 1, run)));
          }
        }
        return {
          async settled() {
            while ((await b().getQueueSize(QUEUE, { before: 'completed' })) > 0) await sleep(2);
          },
          async stop() {
            workerIds = [];
            await b().offWork(QUEUE);
          },
        };
      },

      async teardown() {
        await boss?.stop({ graceful: false, wait: true });
        boss = undefined;
        workerIds = [];
      },
    };
    return system;
  };
}

export const createPgBossDefaults = createPgBoss(false);
export const createPgBossTuned = createPgBoss(true);
