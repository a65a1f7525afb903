/**
 * plainjob 0.0.14 driven as its README and its own benchmark (bench/run-scenario.ts upstream)
 * drive it: better-sqlite3 connection via `better()`, a silent logger (the default logger is
 * `console`, and the worker logs at debug level on every job), `addMany` for bulk, and N
 * `defineWorker` instances on one queue for concurrency N (plainjob has no concurrency option;
 * its worker runs jobs one at a time). The queue itself sets WAL + synchronous=1 (NORMAL).
 * The poll interval (`pollIntervall`, default 1000 ms) is set to `pollMs`.
 */
import Database from 'better-sqlite3';
import { better, defineQueue, defineWorker, type Logger, type Queue } from 'plainjob';
import { placeOf } from '../places.js';
import type { BenchSystem, JobRef, Payload, Place, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

const TYPE = 'bench';
const silent: Logger = {
  error: (m, ...a) => console.error(m, ...a),
  warn: () => {},
  info: () => {},
  debug: () => {},
};

export const createPlainjob: SystemFactory = ({ pollMs }) => {
  let queue: Queue | undefined;

  const q = (): Queue => {
    if (!queue) throw new Error('plainjob: setup() not called');
    return queue;
  };

  const system: BenchSystem = {
    id: 'plainjob',
    family: 'sqlite',
    name: 'plainjob 0.0.14',
    bulk: 'native',
    notes: [
      'better(new Database(path)); queue sets WAL, synchronous=1, busy_timeout=5000',
      'silent logger (default is console; debug logging on every job otherwise)',
      `bulk = queue.addMany (one transaction); pollIntervall = ${pollMs} ms (default 1000)`,
      'concurrency N = N defineWorker instances on the queue in this process (no concurrency option)',
    ],

    async setup(place: Place) {
      const dbPath = placeOf(place, 'sqlite').path;
      queue = defineQueue({ connection: better(new Database(dbPath)), logger: silent });
    },

    async addOne(payload: Payload): Promise<JobRef> {
      return q().add(TYPE, payload).id;
    },

    async addBulk(payloads: Payload[]): Promise<JobRef[]> {
      return q().addMany(TYPE, payloads).ids;
    },

    async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
      const workers = Array.from({ length: concurrency }, () =>
        defineWorker(
          TYPE,
          async (job) => {
            JSON.parse(job.data);
            await handler();
          },
          { queue: q(), logger: silent, pollIntervall: pollMs, onCompleted: () => onCompleted() },
        ),
      );
      const loops = workers.map((w) => w.start());
      return {
        async stop() {
          await Promise.all(workers.map((w) => w.stop()));
          await Promise.all(loops);
        },
      };
    },

    async teardown() {
      queue?.close();
      queue = undefined;
    },
  };
  return system;
};
