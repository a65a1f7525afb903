/**
 * The `@returns` tags of lua/scripts against what a real server replies: one schema per script,
 * which the compiler holds to the tag (`satisfies`: a schema may not accept more than the tag
 * declares), and a walk through the storage that runs every script at least once, each reply
 * parsed by its script's schema as the client receives it. The placeholder check of the embed
 * script covers parameters; scripts have none (KEYS and ARGV are prose).
 */
import { randomBytes } from 'node:crypto';
import { transferJob } from '@waitline/core';
import { LEASE_MS, newJob, T0 } from '@waitline/storage-contract';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RedisStorage } from '../dist/index.js';
import { LUA, type ScriptName } from '../src/generated/lua.js';
import type { ScriptReply } from '../src/scripts.js';
import { deleteKeys } from './harness.js';
import { missingServer, ping, SERVER } from './servers.js';

const str = z.string();
const int = z.number().int();
const bit = z.union([z.literal(0), z.literal(1)]);
const flag = z.enum(['1', '0']);
const hash = z.array(str);
/**
 * A job as the scripts return it (lib/common.lua `record`): a JSON object of strings with an id,
 * then name, JSON text pairs (the payload always).
 */
const job = z.tuple([str], str).refine(isJobReply, 'a job: a JSON object of strings, then name, JSON pairs');

function isJobReply([head, ...pairs]: [string, ...string[]]): boolean {
  try {
    const plain = z.record(z.string(), z.string()).parse(JSON.parse(head));
    const names = pairs.filter((_, i) => i % 2 === 0);
    for (let i = 1; i < pairs.length; i += 2) JSON.parse(pairs[i] as string);
    return typeof plain.id === 'string' && pairs.length % 2 === 0 && names.includes('payload') && names.every((n) => !(n in plain));
  } catch {
    return false;
  }
}
const flat = z.array(z.union([str, int]));
const move = z.union([z.tuple([z.literal('ok'), job]), z.tuple([z.literal('missing')]), z.tuple([z.literal('invalid'), str])]);
const enqueue = z.union([
  z.tuple([z.literal('ok'), z.array(z.union([int, job]))]),
  z.tuple([z.literal('duplicate'), str]),
  z.tuple([z.literal('full'), str]),
  z.tuple([z.literal('groupFull'), z.tuple([str, str, int])]),
  z.tuple([z.literal('draining'), z.literal('')]),
]);
const runningRow = z.tuple([str, str, str.nullable(), str, str.nullable()]);
const finishedRow = z.array(str.nullable()).length(8);
const groupedInputs = z.tuple([int, int, str.nullable(), flat, str, int, int]);
const groupedAhead = z.tuple([bit, z.array(str), z.array(z.tuple([str, str.nullable(), int, z.array(str), int, int]))]);
const positionInputs = z.tuple([
  z.literal('ok'),
  job,
  int.nullable(),
  int,
  flat,
  z.array(str).nullable(),
  z.array(runningRow),
  z.array(finishedRow),
  z.array(finishedRow),
  hash,
  z.array(str),
  z.tuple([groupedInputs, groupedAhead]).nullable(),
  z.tuple([str, int, int, int, z.array(str).nullable()]).nullable(),
  z.array(str),
]);

/** Each script's reply as a schema, no wider than its `@returns` tag. */
const SCHEMAS = {
  cancel: move,
  changePriority: move,
  promote: move,
  retry: move,
  claim: z.array(job),
  enqueue,
  housekeepingLease: z.tuple([bit, str.nullable()]),
  importJobs: z.union([
    z.tuple([z.literal('ok'), int, int, int]),
    z.tuple([z.literal('conflict'), int, z.enum(['id', 'idempotencyKey']), str, str, z.enum(['exists', 'running'])]),
  ]),
  listGroups: z.tuple([bit], z.union([str, int])),
  listJobs: z.union([z.tuple([z.array(job), flag]), z.tuple([z.array(job), int, int])]),
  listWaiting: z.array(job),
  migrate: z.union([z.tuple([z.literal('ok'), int, str]), z.tuple([z.literal('newer'), int, z.literal('')])]),
  positionInputs: z.union([z.tuple([z.literal('missing')]), positionInputs]),
  position: z.union([
    z.tuple([z.literal('ok'), int]),
    z.tuple([z.literal('grouped'), groupedInputs]),
    z.tuple([z.literal('none')]),
    z.tuple([z.literal('missing')]),
  ]),
  progress: z.union([z.tuple([z.literal('ok'), job]), z.tuple([z.literal('lost')])]),
  pruneFinished: int,
  reclaimExpired: z.array(job),
  registerWorker: z.null(),
  removeJobs: int,
  renewLeases: z.array(z.tuple([str, flag, flag])),
  scheduleFire: z.union([z.tuple([z.literal('missed')]), z.tuple([z.literal('skipped')]), enqueue]),
  scheduleList: z.array(hash),
  scheduleRemove: bit,
  scheduleUpsert: hash,
  setGroup: z.null(),
  settle: z.tuple([z.array(job), z.array(str), z.array(job), str.nullable()]),
  stats: z.tuple([z.tuple([int, int, int, int, int, int]), z.array(int), z.array(finishedRow), z.array(finishedRow), hash, z.array(str)]),
  upsertQueue: hash,
} satisfies { [N in ScriptName]: z.ZodType<ScriptReply<N>> };

type Evaluator = (script: string, ...rest: Array<string | number>) => Promise<unknown>;

/** Makes `client` parse every script reply with its schema: the names seen, and the mismatches. */
function watch(client: Redis): { seen: Set<ScriptName>; mismatches: string[] } {
  const names = new Map<string, ScriptName>();
  for (const [name, script] of Object.entries(LUA) as Array<[ScriptName, (typeof LUA)[ScriptName]]>) {
    names.set(script.sha1, name).set(script.source, name);
  }
  const seen = new Set<ScriptName>();
  const mismatches: string[] = [];
  const wrap = (method: 'evalsha' | 'eval') => {
    const target = client as unknown as Record<typeof method, Evaluator>;
    const original = target[method].bind(client);
    target[method] = async (script, ...rest) => {
      const reply = await original(script, ...rest);
      const name = names.get(script);
      if (name === undefined) mismatches.push(`${method} of a script not in LUA`);
      else {
        seen.add(name);
        const parsed = SCHEMAS[name].safeParse(reply);
        if (!parsed.success) mismatches.push(`${name}: ${JSON.stringify(reply)}: ${parsed.error.message}`);
      }
      return reply;
    };
  };
  wrap('evalsha');
  wrap('eval');
  return { seen, mismatches };
}

const available = await ping(SERVER.host, SERVER.port);
if (!available) missingServer('Redis at 127.0.0.1:6379', 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no');

describe.runIf(available)('script replies', () => {
  const prefix = `wl-replies-${randomBytes(4).toString('hex')}`;
  const client = available ? new Redis(SERVER) : (null as unknown as Redis);

  afterAll(async () => {
    if (!available) return;
    await deleteKeys(client, [`${prefix}*`, `{${prefix}*`]);
    client.disconnect();
  });

  it('match the @returns tag of every script, on a real server', async () => {
    const { seen, mismatches } = watch(client);
    const s = await RedisStorage.open({ connection: client, prefix, checkServer: false });
    await walkQueue(s);
    await walkGroups(s);
    await walkHousekeeping(s);
    await walkSchedules(s);
    await s.close();
    expect(mismatches).toEqual([]);
    expect([...seen].sort()).toEqual(Object.keys(LUA).sort());
  });
});

const queue = 'q';
const now = T0;

/** Adds, moves, claims, settles and reads jobs of one plain queue. */
async function walkQueue(s: RedisStorage): Promise<void> {
  await s.registerWorker({ id: 'w', queue, host: 'h', pid: 1, concurrency: 2, now });
  await s.upsertQueue({ name: queue, concurrency: 10, now });
  const [a, b, c, d] = [newJob(), newJob({ runAt: now + 60_000 }), newJob({ size: 3 }), newJob({ idempotencyKey: 'k' })];
  const outranking = newJob({ priority: 7, runAt: now + 30_000, size: 2 }); // listed in c's dueAhead
  await s.enqueue({ queue, now, jobs: [a, b, c, d, outranking] });
  await s.enqueue({ queue, now, jobs: [newJob({ idempotencyKey: 'k' })] });
  await expect(s.enqueue({ queue, now, jobs: [newJob({ id: a.id, name: 'other' })] })).rejects.toThrow();
  await s.getPosition({ queue, id: c.id, now });
  await s.getPositionInputs({ queue, id: c.id, now, sampleLimit: 5, aheadListLimit: 10, aheadWorkLimit: 10, dueAheadLimit: 10, workerStaleMs: 60_000 });
  await s.getPositionInputs({ queue, id: 'unknown', now, sampleLimit: 5, aheadListLimit: 10, aheadWorkLimit: 10, dueAheadLimit: 10, workerStaleMs: 60_000 });
  await s.changePriority({ queue, id: c.id, priority: 5 });
  await s.promote({ queue, id: b.id, now });
  await s.cancel({ queue, id: d.id, now });
  await s.retry({ queue, id: d.id, now });
  await expect(s.cancel({ queue, id: 'unknown', now })).rejects.toThrow();
  const [first, second] = await s.claim({ queue, workerId: 'w', limit: 2, leaseMs: LEASE_MS, now });
  if (first === undefined || second === undefined) throw new Error('claimed fewer than 2 jobs');
  await s.renewLeases({ queue, workerId: 'w', leaseMs: LEASE_MS, now });
  await s.reportProgress({ queue, id: first.id, leaseToken: first.leaseToken ?? '', progress: { percent: 50, stage: null }, now });
  await s.settle({
    queue,
    now,
    completed: [{ id: first.id, leaseToken: first.leaseToken ?? '', result: 1 }],
    failed: [{ id: second.id, leaseToken: second.leaseToken ?? '', error: { name: 'E', message: 'm', attempt: 1, at: now }, retryAt: null }],
    claim: { workerId: 'w', limit: 1, leaseMs: LEASE_MS },
  });
  await expect(s.promote({ queue, id: first.id, now })).rejects.toThrow();
  await s.reclaimExpired({ queue, now: now + 2 * LEASE_MS, error: { name: 'Stalled', message: 'lease expired' } });
  await s.getStats({ queue, now, windowsMs: [60_000], sampleLimit: 5, workerStaleMs: 60_000 });
  await s.listJobs({ queue, limit: 10 });
  await s.listJobs({ queue, limit: 10, states: ['completed'] });
  await s.listWaiting({ queue, now, offset: 0, limit: 10 });
  await walkImport(s, first.id);
}

/** Imports a copy of a finished job, then again: the second meets the first ('conflict'). */
async function walkImport(s: RedisStorage, id: string): Promise<void> {
  const done = await s.getJob({ queue, id });
  if (done === null) throw new Error('the completed job is gone');
  const copy = { ...transferJob(done, now), id: 'imported', idempotencyKey: null };
  await s.importJobs({ queue, now, onConflict: 'fail', jobs: [copy] });
  await expect(s.importJobs({ queue, now, onConflict: 'fail', jobs: [copy] })).rejects.toThrow();
}

/** A grouped queue: weights, group listings, and positions of a job of a named group. */
async function walkGroups(s: RedisStorage): Promise<void> {
  const grouped = 'g';
  const later = { priority: 7, runAt: now + 30_000 }; // both listed in the last job's dueAhead
  const jobs = [newJob({ group: 'g1' }), newJob({ group: 'g2' }), newJob({ group: 'g1' }), newJob(), newJob(later), newJob({ ...later, group: 'g2' })];
  await s.enqueue({ queue: grouped, now, jobs });
  await s.setGroup({ queue: grouped, group: 'g1', settings: { weight: 2 }, now });
  await s.listGroups({ queue: grouped, now, limit: 1 });
  const last = jobs[2]?.id ?? '';
  await s.getPosition({ queue: grouped, id: last, now });
  await s.getPositionInputs({
    queue: grouped,
    id: last,
    now,
    sampleLimit: 5,
    aheadListLimit: 10,
    aheadWorkLimit: 10,
    dueAheadLimit: 10,
    workerStaleMs: 60_000,
  });
}

/** The housekeeping lease, pruning and removal. */
async function walkHousekeeping(s: RedisStorage): Promise<void> {
  await s.takeHousekeepingLease({ queue, holder: 'h', leaseMs: 1_000, now });
  await s.pruneFinished({ queue, state: 'completed', olderThan: null, keepNewest: null, limit: 10, sampleLimit: 10 });
  await s.removeJobs({ queue, states: ['failed', 'queued'], limit: 10, sampleLimit: 10 });
}

/** A schedule's life: upsert, list, a fired tick, a missed and a skipped one, removal. */
async function walkSchedules(s: RedisStorage): Promise<void> {
  const every = { queue, key: 's', cron: null, tz: null, every: 60_000, catchUp: 'none' as const, payload: null, options: {} };
  await s.upsertSchedule({ ...every, nextRunAt: now, lastRunAt: null, now });
  await s.listSchedules({ queue });
  await s.fireSchedule({ queue, key: 's', expectedNextRunAt: now, nextRunAt: now + 60_000, job: newJob(), now });
  await s.fireSchedule({ queue, key: 's', expectedNextRunAt: now, nextRunAt: now + 60_000, job: newJob(), now });
  await s.fireSchedule({ queue, key: 's', expectedNextRunAt: now + 60_000, nextRunAt: now + 120_000, job: null, now });
  await s.removeSchedule({ queue, key: 's' });
}
