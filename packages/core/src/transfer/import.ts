/**
 * `importJobs`: writes an export's queues and jobs into a storage, streaming, in atomic batches.
 * @module
 */
import { ImportAbortedError, ImportConflictError, ImportFormatError, ImportLineError, type ImportSummary, WaitlineError } from '../errors.js';
import type { ImportConflictMode, ScheduleRecord, Storage, TransferJob } from '../storage.js';
import { normalizeRetention } from '../retention/policy.js';
import { scheduleChanged } from '../schedules/wakeups.js';
import type { GroupLine } from './group-lines.js';
import { checkHeader, parseLine } from './lines.js';

/** Options of {@link importJobs}. */
export interface ImportOptions {
  /** What to do with a job already stored (same id, or same idempotency key in its queue). */
  onConflict: ImportConflictMode;
  /** Jobs written per storage call, each call atomic (default 500): what bounds memory. */
  batchSize?: number;
  /**
   * A call is also written once its lines hold this many characters (default 32 MiB), so a batch
   * of large payloads stays far below what one string (a storage call's argument) can hold.
   */
  batchChars?: number;
  /** The import's clock (ms); `Date.now` by default. */
  now?: () => number;
}

interface Batch {
  queue: string;
  jobs: TransferJob[];
  lines: number[];
  /** Characters of the batch's lines. */
  chars: number;
}

/** The default `batchChars`: 32 MiB of lines, a sixteenth of the longest string V8 holds. */
const BATCH_CHARS = 32 * 1024 * 1024;

/** One import in progress: the open batch, the counts, and the draining flags to set at the end. */
class ImportRun {
  readonly summary: ImportSummary = { queues: 0, schedules: 0, jobs: 0, skipped: 0, replaced: 0 };
  private readonly draining = new Map<string, boolean>();
  /** Schedule lines, stored once every job is in (a tick must not fire into a half-imported queue). */
  private readonly schedules: Array<{ schedule: ScheduleRecord; line: number }> = [];
  private batch: Batch | null = null;
  private readonly batchSize: number;
  private readonly batchChars: number;
  private readonly now: () => number;

  constructor(
    private readonly storage: Storage,
    private readonly options: ImportOptions,
  ) {
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
    this.batchChars = Math.max(1, Math.floor(options.batchChars ?? BATCH_CHARS));
    this.now = options.now ?? Date.now;
  }

  async line(text: string, line: number): Promise<void> {
    const parsed = parseLine(text, line);
    if (parsed.kind === 'queue') {
      await this.flush();
      const { draining, retention, ...config } = parsed.config;
      await this.storage.upsertQueue({ ...config, now: this.now() });
      // As rateLimit: applied when the line has it, the stored one kept when it has none (an older file).
      if (retention !== undefined) await this.storage.setRetention({ queue: config.name, retention: normalizeRetention(retention), now: this.now() });
      this.draining.set(config.name, draining);
      this.summary.queues += 1;
      return;
    }
    if (parsed.kind === 'schedule') {
      this.schedules.push({ schedule: parsed.schedule, line });
      return;
    }
    if (parsed.kind === 'group') {
      await this.storeGroup(parsed.group, line);
      return;
    }
    if (this.batch !== null && this.batch.queue !== parsed.queue) await this.flush();
    this.batch ??= { queue: parsed.queue, jobs: [], lines: [], chars: 0 };
    this.batch.jobs.push(parsed.job);
    this.batch.lines.push(line);
    this.batch.chars += text.length;
    if (this.batch.jobs.length >= this.batchSize || this.batch.chars >= this.batchChars) await this.flush();
  }

  /** Stores a group's weight, as a queue line's settings are stored: the file's value wins. */
  private async storeGroup(group: GroupLine, line: number): Promise<void> {
    const setGroup = this.storage.capabilities.groups === true ? this.storage.setGroup : undefined;
    if (setGroup === undefined) throw new ImportLineError(line, 'a group line needs a storage with the groups capability', ['type']);
    await this.flush();
    await setGroup.call(this.storage, { queue: group.queue, group: group.group, settings: { weight: group.weight }, now: this.now() });
  }

  /** Writes the open batch in one storage call; a failure names the line it is about. */
  async flush(): Promise<void> {
    const batch = this.batch;
    if (batch === null) return;
    this.batch = null;
    try {
      const r = await this.storage.importJobs({ queue: batch.queue, jobs: batch.jobs, onConflict: this.options.onConflict, now: this.now() });
      this.summary.jobs += r.imported;
      this.summary.skipped += r.skipped;
      this.summary.replaced += r.replaced;
      this.wake(batch);
    } catch (err) {
      const index = err instanceof ImportConflictError ? err.conflict.index : 0;
      throw this.aborted(err, batch.lines[index] ?? 0, err instanceof ImportConflictError ? [err.conflict.by] : []);
    }
  }

  /** Wakes the queue's idle workers, as an add does, when the batch held waiting jobs. */
  private wake(batch: Batch): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const job of batch.jobs) if (job.state === 'queued') earliest = Math.min(earliest, job.runAt);
    if (earliest !== Number.POSITIVE_INFINITY) this.storage.notifier?.publish({ queue: batch.queue, kind: 'added', runAt: earliest });
  }

  /** Sets each imported queue's draining flag, once its jobs are in (a draining queue refuses adds, not imports). */
  async finish(): Promise<ImportSummary> {
    await this.flush();
    await this.storeSchedules();
    for (const [name, draining] of this.draining) await this.storage.upsertQueue({ name, draining, now: this.now() });
    return this.summary;
  }

  /**
   * Stores the schedule lines as definitions, as a queue line is applied: an existing schedule of
   * the same key is re-declared (keeping its next tick when its timing is the same), except with
   * `onConflict: 'skip'`, which leaves a stored one alone. A new one starts from the exported
   * `nextRunAt` and `lastRunAt`.
   */
  private async storeSchedules(): Promise<void> {
    const stored = new Map<string, Set<string>>();
    for (const { schedule, line } of this.schedules) {
      try {
        if (this.options.onConflict === 'skip' && (await this.keysOf(schedule.queue, stored)).has(schedule.key)) continue;
        const { createdAt: _c, updatedAt: _u, ...definition } = schedule;
        await this.storage.upsertSchedule({ ...definition, now: this.now() });
        scheduleChanged(this.storage, schedule.queue);
        this.summary.schedules += 1;
      } catch (err) {
        throw this.aborted(err, line, []);
      }
    }
  }

  private async keysOf(queue: string, cache: Map<string, Set<string>>): Promise<Set<string>> {
    let keys = cache.get(queue);
    if (keys === undefined) {
      keys = new Set((await this.storage.listSchedules({ queue })).map((s) => s.key));
      cache.set(queue, keys);
    }
    return keys;
  }

  aborted(err: unknown, line: number, fieldPath: ReadonlyArray<string | number>): ImportAbortedError {
    const code = err instanceof WaitlineError ? err.code : 'UNKNOWN';
    const path = err instanceof WaitlineError && err.code === 'IMPORT_LINE' ? err.path : [line, ...fieldPath];
    return new ImportAbortedError(line, { ...this.summary }, code, err, path);
  }
}

/**
 * Imports an export's lines (each one line of JSONL, with or without its newline; blank lines are
 * ignored) into `storage`. The first line must be a header of a format this code reads, else
 * `ImportFormatError` before anything is written. Queue lines are applied with `upsertQueue` as
 * they come (paused included, so a paused queue's jobs are not claimed mid-import), and their
 * `retention`, when the line has one, with `setRetention` (checked as the queue option is first:
 * a bad policy stops the import at its line with nothing of the line written); `draining`
 * is set once every job is in, after the schedule lines are stored (see `storeSchedules`: a
 * stored schedule of the same key is re-declared, or left alone with `skip`). Jobs are written in batches of `batchSize` jobs of one queue, each
 * batch atomic, new seqs in line order; after a batch with waiting jobs, the storage's notifier
 * (when it has one) wakes the queue's idle workers as an add would. A bad line, a conflict (`fail`, or `replace` meeting a
 * running job), a storage failure, or `lines` failing after the header (a move's source storage,
 * a file that cannot be read) stops the import with `ImportAbortedError`: every job counted
 * in its `summary` was written whole, nothing of the failing batch was, and no job is half
 * written. Returns what was written.
 */
export async function importJobs(storage: Storage, lines: AsyncIterable<string> | Iterable<string>, options: ImportOptions): Promise<ImportSummary> {
  const run = new ImportRun(storage, options);
  let line = 0;
  try {
    for await (const raw of lines) {
      line += 1;
      const text = raw.trim();
      if (line === 1) {
        checkHeader(text);
        continue;
      }
      if (text === '') continue;
      try {
        await run.line(text, line);
      } catch (err) {
        throw err instanceof ImportAbortedError ? err : run.aborted(err, line, []);
      }
    }
  } catch (err) {
    // The input itself failed after its header (a move's source storage, a file that cannot be
    // read): the import stops before the next line, with what it wrote. Before the header
    // nothing was written, and the input's own error says more.
    if (line === 0 || err instanceof ImportAbortedError || err instanceof ImportFormatError) throw err;
    throw run.aborted(err, line + 1, []);
  }
  if (line === 0) checkHeader(undefined);
  try {
    return await run.finish();
  } catch (err) {
    throw err instanceof ImportAbortedError ? err : run.aborted(err, line, []);
  }
}
