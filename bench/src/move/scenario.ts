/**
 * The MOVE row: `waitline move` from SQLite to PostgreSQL as the library does it (`exportJobs`
 * piped into `importJobs`), for n and 10·n waiting jobs (100,000 at the default n). The source is
 * filled in the measuring process; the move runs in a process of its own, so its peak RSS is the
 * move's alone, and two sizes show whether memory grows with the number of jobs (it should not:
 * the export reads 500 jobs a page, the import writes 500 per transaction).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import { BULK_CHUNK, type Metrics, payloads, rate, type ScenarioDef, type ScenarioParams } from '../kit.js';
import { dropSchemas, PLACE_PREFIX, placeOf } from '../places.js';
import type { BenchSystem, Place } from '../systems/types.js';
import type { MoveJob, MoveReply } from './mover.js';

const here = dirname(fileURLToPath(import.meta.url));
const fmtInt = (v: number): string => v.toLocaleString('en-US');

/** Fills a fresh SQLite file with `count` waiting jobs through the bulk API (not timed). */
async function fillSource(path: string, count: number): Promise<void> {
  const storage = await SqliteStorage.open({ path });
  try {
    const queue = new Queue(storage, 'bench');
    for (let done = 0; done < count; done += BULK_CHUNK) {
      await queue.addBulk(payloads(done, Math.min(BULK_CHUNK, count - done)).map((payload) => ({ payload })));
    }
  } finally {
    await storage.close();
  }
}

function runMover(job: MoveJob, timeoutMs: number): Promise<MoveReply> {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'mover.ts'), [JSON.stringify(job)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, '--expose-gc'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let reply: { ok: true; reply: MoveReply } | { ok: false; error: string } | undefined;
    child.on('message', (m) => {
      reply = m as typeof reply;
    });
    // 'close', not 'exit': the reply may still be in the IPC channel when 'exit' fires.
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (reply?.ok) resolve(reply.reply);
      else reject(new Error(reply && !reply.ok ? reply.error : `mover exited with ${signal ?? code} before reporting`));
    });
  });
}

/** Fills `count` jobs into a new file next to the place's, moves them, checks the count, drops the schema. */
async function moveLevel(place: Place, p: ScenarioParams, count: number): Promise<MoveReply> {
  const sqlitePath = `${placeOf(place, 'sqlite').path}-${count}.sqlite`;
  await fillSource(sqlitePath, count);
  const schema = `${PLACE_PREFIX}move_${randomBytes(4).toString('hex')}`;
  try {
    const reply = await runMover({ sqlitePath, pgUrl: p.pgUrl, schema }, p.timeoutMs * 5);
    if (reply.jobs !== count) throw new Error(`moved ${reply.jobs} of ${count} jobs`);
    return reply;
  } finally {
    await dropSchemas(p.pgUrl, schema);
  }
}

async function moveRun(_s: BenchSystem, p: ScenarioParams, place: () => Place): Promise<Metrics> {
  const at = place();
  const small = await moveLevel(at, p, p.n);
  const large = await moveLevel(at, p, p.n * 10);
  const mib = (kib: number) => kib / 1024;
  return {
    rate10n: rate(large.jobs, large.ms),
    rate1n: rate(small.jobs, small.ms),
    peakRss10n: mib(large.maxRssKiB),
    peakRss1n: mib(small.maxRssKiB),
    liveHeap10n: mib(large.maxLiveHeapKiB),
    liveHeap1n: mib(small.maxLiveHeapKiB),
    rssGrowth10n: mib(large.maxRssKiB - large.rssBeforeKiB),
    rssGrowth1n: mib(small.maxRssKiB - small.rssBeforeKiB),
  };
}

export const MOVE: ScenarioDef = {
  id: 'MOVE',
  title: 'MOVE SQLite → PostgreSQL (waitline move: exportJobs piped into importJobs)',
  describe: (p) =>
    `${fmtInt(p.n)} and ${fmtInt(p.n * 10)} waiting jobs in one queue of a SQLite file, moved into a fresh PostgreSQL schema ` +
    "(migrated by the mover) by a process of its own; jobs/s over the whole move; the mover's peak RSS " +
    '(`process.resourceUsage().maxRSS`) and its growth over the RSS it had with both storages open before the first line ' +
    '(RSS includes what V8 and SQLite cache, grown lazily up to a plateau); live heap = the most heap in use after a full ' +
    'GC, sampled every 10,000 lines (what the move holds on to)',
  metrics: [
    { key: 'rate10n', label: (p) => `jobs/s at ${fmtInt(p.n * 10)}`, unit: 'jobs/s', better: 'higher' },
    { key: 'rate1n', label: (p) => `jobs/s at ${fmtInt(p.n)}`, unit: 'jobs/s', better: 'higher' },
    { key: 'peakRss10n', label: (p) => `peak RSS at ${fmtInt(p.n * 10)}`, unit: 'MiB', better: 'lower' },
    { key: 'peakRss1n', label: (p) => `peak RSS at ${fmtInt(p.n)}`, unit: 'MiB', better: 'lower' },
    { key: 'liveHeap10n', label: (p) => `live heap at ${fmtInt(p.n * 10)}`, unit: 'MiB', better: 'lower' },
    { key: 'liveHeap1n', label: (p) => `live heap at ${fmtInt(p.n)}`, unit: 'MiB', better: 'lower' },
    { key: 'rssGrowth10n', label: (p) => `RSS growth at ${fmtInt(p.n * 10)}`, unit: 'MiB', better: 'lower' },
    { key: 'rssGrowth1n', label: (p) => `RSS growth at ${fmtInt(p.n)}`, unit: 'MiB', better: 'lower' },
  ],
  applies: (s) => s.id === 'waitline-sqlite',
  onlyWhereApplies: true,
  noRatios: true,
  notes: (_p, cells) =>
    cells.map(({ name, median: m }) => {
      const [small, large] = [m('liveHeap1n'), m('liveHeap10n')];
      const [rss1, rss10] = [m('peakRss1n'), m('peakRss10n')];
      if (small === undefined || large === undefined || rss1 === undefined || rss10 === undefined) return `${name}: memory not measured.`;
      const verdict = large <= small * 1.25 ? '**constant** (within 25%)' : 'grows with n';
      return `${name}: live heap ${small.toFixed(1)} MiB at n, ${large.toFixed(1)} MiB at 10·n: ${verdict}; peak RSS ${rss1.toFixed(0)} → ${rss10.toFixed(0)} MiB for 10× the jobs.`;
    }),
  run: moveRun,
};
