/**
 * graphile-worker 0.17.3 (the last release for Node 20; 0.18 needs Node 22.18), in two rows:
 * - defaults: `run({ connectionString, schema, concurrency, taskList })` and nothing else;
 * - tuned: the configuration of its documentation's performance page (worker.graphile.org/docs/
 *   performance): `localQueue: { size: 500 }`, `completeJobBatchDelay: 0`,
 *   `failJobBatchDelay: 0`, `maxPoolSize: concurrency + 1` (their 24 jobs ↔ 25 pool, never under the default 10).
 * Both: `WorkerUtils.addJob` per job, `WorkerUtils.addJobs` (one `add_jobs` call) per chunk,
 * prepared statements (its default), a silent logger (the default logs a line per job), and its
 * own schema per place (`schema` option; it creates and migrates it).
 *
 * Completion: its worker starts `completeJob` and emits `job:complete` without awaiting the
 * write (and with batching the write waits for the batch), so `onCompleted` follows the event and
 * `settled()` waits until none of the reported jobs is left in its jobs table (completed jobs are
 * deleted), read with `WorkerUtils.withPgClient`.
 */
import { Logger, makeWorkerUtils, type Runner, run, type WorkerUtils } from 'graphile-worker';
import { placeOf } from '../places.js';
import type { BenchSystem, JobRef, Payload, Place, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

const TASK = 'bench';
const silent = new Logger(() => () => {});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Tuning = (concurrency: number) => GraphileConfig.WorkerOptions;

const TUNED: Tuning = (concurrency) => ({
  localQueue: { size: 500 },
  completeJobBatchDelay: 0,
  failJobBatchDelay: 0,
  maxPoolSize: Math.max(10, concurrency + 1),
});

function createGraphile(tuned: boolean): SystemFactory {
  return () => {
    let utils: WorkerUtils | undefined;
    let place: { connectionString: string; schema: string } | undefined;

    const u = (): WorkerUtils => {
      if (!utils) throw new Error('graphile-worker: setup() not called');
      return utils;
    };

    /** How many of `ids` are still in the jobs table (completed jobs are deleted). */
    const remaining = (ids: string[]): Promise<number> =>
      u().withPgClient(async (c) => {
        const sql = `SELECT count(*)::int AS n FROM "${place?.schema}"._private_jobs WHERE id = ANY($1::bigint[])`;
        return ((await c.query(sql, [ids])).rows[0] as { n: number }).n;
      });

    const system: BenchSystem = {
      id: tuned ? 'graphile-worker-tuned' : 'graphile-worker',
      name: tuned ? 'graphile-worker 0.17.3 (tuned)' : 'graphile-worker 0.17.3 (defaults)',
      family: 'postgres',
      bulk: 'native',
      notes: [
        'makeWorkerUtils({ connectionString, schema }); addJob per job; bulk = addJobs (one add_jobs call per chunk)',
        `run({ connectionString, schema, concurrency: N, noHandleSignals, taskList, logger: silent })${
          tuned
            ? ' + preset.worker { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0, maxPoolSize: max(10, N + 1) } (its performance page)'
            : '; everything else default (pollInterval 2000 ms, maxPoolSize 10, no local queue, no completion batching)'
        }`,
        'wake-ups: LISTEN/NOTIFY (its default); prepared statements on (its default)',
        'completion: "job:complete" event, and a drain ends once the reported jobs are gone from its table',
      ],

      async setup(p: Place) {
        const { connectionString, schema } = placeOf(p, 'postgres');
        place = { connectionString, schema };
        utils = await makeWorkerUtils({ connectionString, schema, logger: silent });
        await utils.migrate();
      },

      async addOne(payload: Payload): Promise<JobRef> {
        return (await u().addJob(TASK, payload)).id;
      },

      async addBulk(payloads: Payload[]): Promise<JobRef[]> {
        const jobs = await u().addJobs(payloads.map((payload) => ({ identifier: TASK, payload })));
        return jobs.map((j) => j.id);
      },

      async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
        if (!place) throw new Error('graphile-worker: setup() not called');
        const reported: string[] = [];
        const runner: Runner = await run({
          ...place,
          concurrency,
          noHandleSignals: true,
          logger: silent,
          taskList: { [TASK]: async () => void (await handler()) },
          ...(tuned ? { preset: { worker: TUNED(concurrency) } } : {}),
        });
        runner.events.on('job:complete', ({ job, error }) => {
          if (error) return;
          reported.push(job.id);
          onCompleted();
        });
        return {
          async settled() {
            while ((await remaining(reported)) > 0) await sleep(2);
          },
          async stop() {
            await runner.stop();
          },
        };
      },

      async teardown() {
        await utils?.release();
        utils = undefined;
        place = undefined;
      },
    };
    return system;
  };
}

export const createGraphileDefaults = createGraphile(false);
export const createGraphileTuned = createGraphile(true);
