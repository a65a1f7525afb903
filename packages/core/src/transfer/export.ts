/**
 * `exportJobs`: a storage's queues and jobs as JSONL lines, read page by page so memory stays
 * bounded whatever the number of jobs.
 * @module
 */
import { ValidationError } from '../errors.js';
import type { JobRecord } from '../job-record.js';
import type { QueueConfig, Storage, TransferJob } from '../storage.js';
import { headerLine, jobLine, queueLine } from './lines.js';
import { scheduleLine } from './schedule-lines.js';
import { groupLine } from './group-lines.js';

/** Options of {@link exportJobs}. */
export interface ExportOptions {
  /** The queues to export, in this order; every queue of the storage (by name) when absent. */
  queues?: readonly string[];
  /** Most jobs read per storage call (default 500). */
  pageSize?: number;
  /**
   * Characters of job lines a page should hold at most (default 32 MiB, as an import's batch):
   * with `pageSize`, what bounds the export's memory. A queue's first page holds at most 16
   * jobs; each next page doubles, up to `pageSize`, while it would stay under this, and holds
   * fewer in proportion once the last page's lines went over (a queue of large payloads).
   */
  pageChars?: number;
  /** The export's clock (ms): the header's time, and the finish time of a running job exported cancelled. */
  now?: () => number;
}

/**
 * How a job leaves its storage. A running job's lease means nothing elsewhere, so it is exported
 * as a job handed back unfinished (as a worker's shutdown releases it): `queued`, its attempt
 * given back (`attempt - 1`, at least 0), its `runAt` and so its place kept. A running job whose
 * cancel was requested ends `cancelled` at the export time instead, as a released one does.
 */
export function transferJob(record: JobRecord, now: number): TransferJob {
  const { queue: _q, seq: _s, leaseToken: _t, leaseExpiresAt: _e, workerId: _w, ...job } = record;
  if (job.state !== 'running') return job as TransferJob;
  if (job.cancelRequested) return { ...job, state: 'cancelled', finishedAt: now };
  return { ...job, state: 'queued', attempt: Math.max(0, job.attempt - 1), finishedAt: null };
}

/** The configs of the named queues, each once (a name given twice is exported once), or of every queue. */
async function configsOf(storage: Storage, names: readonly string[] | undefined): Promise<QueueConfig[]> {
  if (names === undefined) return storage.listQueues();
  const configs = await Promise.all(names.map((name) => storage.getQueue(name)));
  const seen = new Set<string>();
  return configs.flatMap((config, i) => {
    if (config === null) {
      const message = `no queue named "${names[i]}" in the storage`;
      throw new ValidationError(message, [{ path: ['queues', i], message }]);
    }
    if (seen.has(config.name)) return [];
    seen.add(config.name);
    return [config];
  });
}

/** The highest `seq` of the queue's jobs now (0 for none): the export walks no further. */
async function lastSeqOf(storage: Storage, queue: string): Promise<number> {
  return (await storage.listJobs({ queue, limit: 1, order: 'desc' })).items[0]?.seq ?? 0;
}

/** Jobs in a queue's first page: few, so large payloads are never read `pageSize` at a time before their size is seen. */
const FIRST_PAGE = 16;

/** The default `pageChars`: 32 MiB of lines, an import batch's `batchChars`. */
const PAGE_CHARS = 32 * 1024 * 1024;

/** How a queue's pages are sized (see `ExportOptions.pageSize` and `pageChars`). */
interface Paging {
  pageSize: number;
  pageChars: number;
}

/** The next page's size: twice the last, at most `pageSize`, and no more than would fit `pageChars` at the last page's size per job. */
function nextLimit(limit: number, chars: number, { pageSize, pageChars }: Paging): number {
  const fit = chars === 0 ? pageSize : Math.floor((limit * pageChars) / chars);
  return Math.max(1, Math.min(pageSize, limit * 2, fit));
}

/**
 * Every job of `queue` up to seq `until`, by keyset pages sized by `paging`. A job added later (an
 * import into the same storage writes each job it replaces again, with a new seq) is not read, so
 * the walk ends.
 */
async function* jobsOf(storage: Storage, queue: string, until: number, paging: Paging, now: () => number): AsyncGenerator<string> {
  let afterSeq: number | undefined;
  let limit = Math.min(FIRST_PAGE, paging.pageSize);
  for (;;) {
    const page = await storage.listJobs({ queue, limit, order: 'asc', afterSeq });
    let chars = 0;
    for (const record of page.items) {
      if (record.seq > until) return;
      const line = jobLine(transferJob(record, now()), queue);
      chars += line.length;
      yield line;
    }
    const last = page.items.at(-1);
    if (page.nextOffset === null || last === undefined) return;
    afterSeq = last.seq;
    limit = nextLimit(page.items.length, chars, paging);
  }
}

/**
 * The storage's content as JSONL lines (each without its newline): a header (format, source,
 * time), one line per queue's configuration (its retention policy included when it has one), one per schedule (every stored field, `nextRunAt`
 * and `lastRunAt` included, so a moved schedule fires its next tick, not one already fired), then every job of each queue in `seq` order (the
 * order an import gives them new seqs in, so claim order and positions survive a move). Jobs are
 * read a page at a time by keyset (`afterSeq`), pages sized by `pageSize` and `pageChars`, so
 * memory grows neither with the number of jobs nor with their size. Not a snapshot: a job changed while the export runs may be seen before or after the
 * change, and a job added after the export began is left out (each queue's walk stops at the
 * highest seq it had then, so an export always ends). Running jobs are exported as waiting (see
 * {@link transferJob}). An unknown queue name is a `ValidationError` before the first line; a
 * name given twice is exported once.
 */
export async function* exportJobs(storage: Storage, options: ExportOptions = {}): AsyncGenerator<string, void, undefined> {
  const now = options.now ?? Date.now;
  const paging = { pageSize: Math.max(1, Math.floor(options.pageSize ?? 500)), pageChars: Math.max(1, Math.floor(options.pageChars ?? PAGE_CHARS)) };
  const configs = await configsOf(storage, options.queues);
  const until = await Promise.all(configs.map(({ name }) => lastSeqOf(storage, name)));
  yield headerLine(storage.describe(), now());
  for (const config of configs) yield queueLine(config, await storage.getRetention(config.name));
  for (const { name } of configs) for (const schedule of await storage.listSchedules({ queue: name })) yield scheduleLine(schedule);
  for (const { name } of configs) for (const record of (await storage.listGroupSettings?.({ queue: name })) ?? []) yield groupLine(name, record);
  for (const [i, { name }] of configs.entries()) yield* jobsOf(storage, name, until[i] ?? 0, paging, now);
}
