/**
 * Scenario 5: generated bad calls through the public API only (`Queue`, `Worker`, the storages'
 * `open`), per storage, each classified typed / wrong-code / untyped / accepted / hung, plus rows
 * written by a refused call. The assertions are the issue's target (0 untyped, 0 accepted, 0
 * written); the classification table is printed and recorded either way. The calls come from a
 * fixed seed (`WAITLINE_CHAOS_SEED` to change it), so a failure reproduces.
 */
import { Queue, type Storage, type StorageDescriptor } from '@waitline/core';
import { PostgresStorage } from '@waitline/postgres';
import { RedisStorage } from '@waitline/redis';
import { SqliteStorage } from '@waitline/sqlite';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../src/bad-calls/call.js';
import { classify } from '../src/bad-calls/classify.js';
import { allFamilies } from '../src/bad-calls/families.js';
import { printTable, recordFigures } from '../src/figures.js';
import { SIZES } from '../src/scale.js';
import type { PrivatePostgres, PrivateRedis } from '../src/servers.js';
import { postgresTarget, redisTarget, sqliteTarget, type Target, type TargetName } from '../src/targets.js';

const CALLS = SIZES.badCalls;
const SEED = Number(process.env.WAITLINE_CHAOS_SEED ?? 8);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The storage's `open`, with the bad options laid over good ones when they are an object. Options
 * that are not an object go to the storage's `descriptor()` instead, which resolves options
 * exactly as `open` does but connects to nothing: an `open` that took them for `{}` would connect
 * to the default server, the shared one on 6379, and migrate its default prefix there.
 */
function opener(target: Target, tmp: string): (options: unknown) => Promise<Storage | StorageDescriptor> {
  const unique = () => randomBytes(4).toString('hex');
  const base = (): Record<string, unknown> => {
    if (target.name === 'sqlite') return { path: join(tmp, `open-${unique()}.sqlite`) };
    if (target.name === 'postgres') return { connectionString: (target.server as PrivatePostgres).url, schema: `open_${unique()}` };
    return { connection: (target.server as PrivateRedis).connection, prefix: `open-${unique()}` };
  };
  const cls = { sqlite: SqliteStorage, postgres: PostgresStorage, redis: RedisStorage }[target.name] as unknown as {
    open(o: unknown): Promise<Storage>;
    descriptor(o: unknown): StorageDescriptor;
  };
  return async (options) => (isPlainObject(options) ? cls.open({ ...base(), ...options }) : cls.descriptor(options));
}

// A bad timeout that reaches Node's timers prints a TimeoutOverflowWarning (and fires after 1 ms):
// counted as a figure instead of printed a thousand times.
let timerOverflows = 0;
const onWarning = (w: Error) => (w.name === 'TimeoutOverflowWarning' ? timerOverflows++ : console.warn(w));

const targets: Partial<Record<TargetName, Target>> = {};
beforeAll(async () => {
  process.removeAllListeners('warning');
  process.on('warning', onWarning);
  targets.sqlite = sqliteTarget();
  targets.postgres = await postgresTarget();
  targets.redis = await redisTarget({ aof: false });
});
afterAll(async () => {
  process.off('warning', onWarning);
  await Promise.allSettled(Object.values(targets).map((t) => t.destroy()));
});

describe.each(['sqlite', 'postgres', 'redis'] as const)('generated bad calls: %s', (name) => {
  it(`${CALLS} bad calls: every one refused with a typed error, none accepted, none writing`, async () => {
    const target = targets[name] as Target;
    const storage = await target.fresh();
    const queue = new Queue<Record<string, unknown>>(storage, 'bad');
    const other = new Queue<Record<string, unknown>>(storage, 'other');
    const queued = await queue.add({ n: 1 });
    const cancelled = await queue.add({ n: 2 });
    await queue.cancel(cancelled.id);
    const ctx: CallContext = {
      storage,
      queue,
      idle: new Queue(storage, 'idle'),
      queuedId: queued.id,
      cancelledId: cancelled.id,
      otherQueueJob: async () => (await other.add({ n: 3 })).id,
      open: opener(target, String(storage.describe().options.path ?? '/tmp').replace(/\/[^/]*$/, '')),
    };
    const calls = fc.sample(allFamilies(name), { numRuns: CALLS, seed: SEED });
    const started = Date.now();
    const overflowsBefore = timerOverflows;
    // A bad value that escapes as an unhandled rejection (inside a timer, say) is counted here,
    // not left to fail whichever test runs when it lands.
    const unhandled: string[] = [];
    const theirs = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    const mine = (reason: unknown) =>
      unhandled.push(
        String((reason as Error)?.stack ?? reason)
          .split('\n')
          .slice(0, 3)
          .join(' | '),
      );
    process.on('unhandledRejection', mine);
    let result: Awaited<ReturnType<typeof classify>>;
    try {
      result = await classify(calls, ctx, () => target.count(storage));
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      process.off('unhandledRejection', mine);
      for (const l of theirs) process.on('unhandledRejection', l);
    }
    const rows = [...result.byFamily].sort(([a], [b]) => a.localeCompare(b)).map(([family, c]) => ({ family, ...c }));
    rows.push({ family: 'TOTAL', ...result.counts, wrote: result.wrote });
    if (unhandled.length) console.log(`  unhandled rejections: ${unhandled.length}\n    ${[...new Set(unhandled)].slice(0, 3).join('\n    ')}`);
    printTable(`bad calls on ${name} (${CALLS} calls, seed ${SEED}, ${Math.round((Date.now() - started) / 1000)} s)`, rows);
    for (const [key, list] of result.examples) console.log(`  ${key}:\n    ${list.join('\n    ')}`);
    recordFigures('generated bad calls', name, {
      calls: result.total,
      seed: SEED,
      ...result.counts,
      wrote: result.wrote,
      timerOverflowWarnings: timerOverflows - overflowsBefore,
      unhandledRejections: unhandled.length,
      unhandledExamples: [...new Set(unhandled)].slice(0, 3),
      byFamily: Object.fromEntries(result.byFamily),
      examples: Object.fromEntries(result.examples),
    });
    expect.soft(result.counts.untyped, 'untyped errors').toBe(0);
    expect.soft(result.counts.accepted, 'bad values accepted').toBe(0);
    expect.soft(result.counts['wrong-code'], 'refused with the wrong typed error').toBe(0);
    expect.soft(result.counts.hung, 'calls that never answered').toBe(0);
    expect.soft(result.wrote, 'refused calls that wrote rows').toBe(0);
    expect.soft(unhandled.length, 'bad calls that left an unhandled rejection behind').toBe(0);
  });
});
