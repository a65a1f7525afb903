/**
 * `pnpm --filter @waitline/bench run crash-recovery`: how long a job waits after its worker
 * process is killed with SIGKILL until it runs again on another worker, with every Worker and
 * Queue option at its default, on each storage. Per trial: a fresh place, one job, a first worker
 * process that takes it and hangs, a second idle one; the first is killed at a random moment
 * between one and two lease periods after the second started (so the kill lands at any phase of
 * the heartbeats and reclaim sweeps), and the time until the second worker's handler starts is
 * measured. Each trial also checks that the job then completed exactly once, on attempt 1.
 *
 *   --trials N        trials per storage, default 10
 *   --family a,b      sqlite postgres redis (default: all)
 *   --pg-url URL      default $WAITLINE_BENCH_PG_URL or postgres://$USER@127.0.0.1:5432/test
 *   --redis-url URL   default $WAITLINE_BENCH_REDIS_URL or redis://127.0.0.1:6379
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_LEASE_MS, Queue, type Storage } from '@waitline/core';
import { PostgresStorage } from '@waitline/postgres';
import { RedisStorage } from '@waitline/redis';
import { SqliteStorage } from '@waitline/sqlite';
import { FAMILIES, type Family, placeFactory } from '../places.js';

interface Notice {
  type: string;
  jobId?: string;
  attempt?: number;
  at: number;
}

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '10' }, family: { type: 'string' }, 'pg-url': { type: 'string' }, 'redis-url': { type: 'string' } },
});
const trials = Number(values.trials);
const families = (values.family?.split(',') ?? [...FAMILIES]) as Family[];
const servers = {
  pgUrl: values['pg-url'] ?? process.env.WAITLINE_BENCH_PG_URL ?? `postgres://${encodeURIComponent(userInfo().username)}@127.0.0.1:5432/test`,
  redisUrl: values['redis-url'] ?? process.env.WAITLINE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

function start(storage: Storage, hang: boolean): { child: ChildProcess; notices: Notice[] } {
  const input = { descriptor: storage.describe(), queue: 'crash', hang };
  const child = fork(fileURLToPath(new URL('./child.ts', import.meta.url)), [JSON.stringify(input)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const notices: Notice[] = [];
  child.on('message', (m: Omit<Notice, 'at'>) => notices.push({ ...m, at: Date.now() }));
  return { child, notices };
}

async function open(places: ReturnType<typeof placeFactory>): Promise<Storage> {
  const place = places.next('measure');
  if (place.family === 'sqlite') return SqliteStorage.open({ path: place.path });
  if (place.family === 'postgres') return PostgresStorage.open({ connectionString: place.connectionString, schema: place.schema });
  return RedisStorage.open({ connection: { host: place.host, port: place.port }, prefix: place.prefix });
}

/** One trial: the ms from SIGKILL to the job's handler starting on the other worker. */
async function trial(storage: Storage): Promise<number> {
  const job = await new Queue(storage, 'crash').add({});
  const victim = start(storage, true);
  let rescuer: ReturnType<typeof start> | undefined;
  try {
    await until(() => victim.notices.some((n) => n.type === 'active'), 'the first worker to take the job', 20_000);
    const second = start(storage, false);
    rescuer = second;
    await until(() => second.notices.some((n) => n.type === 'ready'), 'the second worker', 20_000);
    await sleep(DEFAULT_LEASE_MS * (1 + Math.random()));
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    const rerun = () => second.notices.find((n) => n.type === 'active' && n.jobId === job.id);
    await until(() => rerun() !== undefined, 'the job to run again', 6 * DEFAULT_LEASE_MS);
    await until(() => second.notices.some((n) => n.type === 'done'), 'the job to complete', 10_000);
    const record = await job.refresh();
    const runs = second.notices.filter((n) => n.type === 'active').length;
    if (record?.state !== 'completed' || record.attempt !== 1 || record.stalls !== 1 || runs !== 1) {
      throw new Error(
        `expected one completion on attempt 1 after one stall, got ${JSON.stringify({ state: record?.state, attempt: record?.attempt, stalls: record?.stalls, runs })}`,
      );
    }
    return (rerun()?.at ?? Number.NaN) - killedAt;
  } finally {
    victim.child.kill('SIGKILL');
    if (rescuer && rescuer.child.exitCode === null) {
      const exited = new Promise((r) => rescuer?.child.once('exit', r));
      rescuer.child.send({ type: 'stop' });
      await exited;
    }
  }
}

const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
  return `min ${s[0]} ms, median ${median} ms, max ${s[s.length - 1]} ms over ${s.length} trials`;
};

for (const family of families) {
  const places = placeFactory(family, servers, `crash_${randomUUID().slice(0, 8)}`);
  const times: number[] = [];
  try {
    for (let i = 0; i < trials; i++) {
      const storage = await open(places);
      try {
        times.push(await trial(storage));
      } finally {
        await storage.close();
      }
    }
    console.log(`${family}: SIGKILL to running again (lease ${DEFAULT_LEASE_MS} ms): ${summary(times)} [${times.join(', ')}]`);
  } finally {
    await places.remove();
  }
}
