/**
 * The mover of the MOVE row, alone in its own process so its peak RSS is the move's: opens the
 * SQLite source and a fresh Postgres schema (migrated), streams `exportJobs` into `importJobs`,
 * and reports the time, the jobs written, its RSS before the move, its peak RSS
 * (`process.resourceUsage().maxRSS`) and its peak live heap over IPC. Run with `--expose-gc`: every
 * 10,000 lines it collects garbage and reads the heap in use, the memory the move holds on to
 * (RSS also counts what V8 and SQLite keep cached, sized lazily).
 */
import { exportJobs, importJobs } from '@waitline/core';
import { PostgresStorage } from '@waitline/postgres';
import { SqliteStorage } from '@waitline/sqlite';
import { nowMs } from '../stats.js';

/** What the parent sends (argv[2], JSON). */
export interface MoveJob {
  sqlitePath: string;
  pgUrl: string;
  schema: string;
}

/** What the mover reports. */
export interface MoveReply {
  jobs: number;
  ms: number;
  /** RSS once both storages are open, before the first line is read (KiB). */
  rssBeforeKiB: number;
  /** Peak RSS of the whole process (KiB). */
  maxRssKiB: number;
  /** The most heap in use after a full collection, read every 10,000 lines (KiB). */
  maxLiveHeapKiB: number;
}

const SAMPLE_EVERY = 10_000;

/** Passes the lines through, sampling the live heap every {@link SAMPLE_EVERY} lines. */
async function* sampled(lines: AsyncIterable<string>, peak: { kib: number }): AsyncGenerator<string> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the mover needs --expose-gc');
  let count = 0;
  for await (const line of lines) {
    count += 1;
    if (count % SAMPLE_EVERY === 0) {
      gc();
      peak.kib = Math.max(peak.kib, process.memoryUsage().heapUsed / 1024);
    }
    yield line;
  }
}

async function main(): Promise<MoveReply> {
  const job = JSON.parse(process.argv[2] ?? '{}') as MoveJob;
  const source = await SqliteStorage.open({ path: job.sqlitePath });
  const target = await PostgresStorage.open({ connectionString: job.pgUrl, schema: job.schema, migrate: true });
  try {
    const rssBeforeKiB = process.memoryUsage().rss / 1024;
    const peak = { kib: 0 };
    const t0 = nowMs();
    const summary = await importJobs(target, sampled(exportJobs(source), peak), { onConflict: 'fail' });
    const ms = nowMs() - t0;
    return { jobs: summary.jobs, ms, rssBeforeKiB, maxRssKiB: process.resourceUsage().maxRSS, maxLiveHeapKiB: peak.kib };
  } finally {
    await source.close();
    await target.close();
  }
}

main().then(
  (reply) => process.send?.({ ok: true, reply }, () => process.exit(0)),
  (e: unknown) => process.send?.({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1)),
);
