/**
 * The dashboard's charts: the last hour of a queue by minute (from its finished jobs), and the
 * waits this process told users against the waits they got.
 * @module
 */
import { type JobRecord, type JobStatus, type Queue, summarise } from '@waitline/core';
import type { z } from 'zod';
import type { HistorySchema } from './schemas.js';

/** One queue's history as `GET /queues/:queue/history` answers it. */
export type History = z.infer<typeof HistorySchema>;

/** One told-against-real point. */
export interface PredictionPoint {
  jobId: string;
  /** When the job started. */
  at: number;
  /** The wait the first status of the queued job predicted (its `eta.startsInMs`). */
  predictedWaitMs: number;
  /** The wait from that first status to the start. */
  realWaitMs: number;
}

const HOUR_MS = 3_600_000;
const BUCKET_MS = 60_000;
/** Finished jobs read for one history at most. */
const HISTORY_SCAN = 5_000;
const PAGE = 1_000;
/** Told-against-real points one history shows at most (the newest). */
const MAX_POINTS = 2_000;

/**
 * Remembers the first predicted start of each queued job whose status this process computed, and
 * turns it into a point once a later read (or the history's scan) shows the job started. Bounded:
 * at most `maxPending` open predictions (oldest dropped) and at most 4,000 points (the newest
 * 2,000 kept when it is reached), whether or not a history is ever read.
 */
export class PredictionLog {
  private readonly pending = new Map<string, { askedAt: number; predictedWaitMs: number }>();
  private points: PredictionPoint[] = [];

  constructor(private readonly maxPending = 10_000) {}

  /** Notes a status read at `now`. */
  note(status: Pick<JobStatus, 'id' | 'state' | 'eta' | 'startedAt'>, now: number): void {
    const open = this.pending.get(status.id);
    if (open === undefined) {
      if (status.state !== 'queued' || status.eta?.startsInMs == null) return;
      if (this.pending.size >= this.maxPending) this.pending.delete(this.pending.keys().next().value as string);
      this.pending.set(status.id, { askedAt: now, predictedWaitMs: status.eta.startsInMs });
      return;
    }
    if (status.startedAt !== null && status.state !== 'queued') this.resolve(status.id, status.startedAt);
  }

  private resolve(id: string, startedAt: number): void {
    const open = this.pending.get(id);
    if (!open) return;
    this.pending.delete(id);
    if (startedAt < open.askedAt) return;
    this.points.push({ jobId: id, at: startedAt, predictedWaitMs: open.predictedWaitMs, realWaitMs: startedAt - open.askedAt });
    // Bounded whether or not a history is ever read: past twice what one shows, keep the newest.
    if (this.points.length > 2 * MAX_POINTS) this.points = this.points.sort((a, b) => a.at - b.at).slice(-MAX_POINTS);
  }

  /** How many points are held (for tests and diagnostics). */
  get pointCount(): number {
    return this.points.length;
  }

  /** Resolves open predictions from finished records, then returns the points since `since`. */
  pointsSince(since: number, finished: readonly JobRecord[]): PredictionPoint[] {
    for (const r of finished) if (r.startedAt !== null) this.resolve(r.id, r.startedAt);
    this.points = this.points.filter((p) => p.at >= since).sort((a, b) => a.at - b.at);
    return this.points.slice(-MAX_POINTS);
  }
}

/** Reads the queue's finished jobs of the last hour (newest first, at most `HISTORY_SCAN`). */
async function recentFinished(queue: Queue, since: number): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  for (let offset = 0; offset < HISTORY_SCAN; offset += PAGE) {
    const page = await queue.listJobs({ states: ['completed', 'failed'], limit: PAGE, offset, order: 'desc' });
    out.push(...page.items);
    const oldest = page.items.at(-1);
    // listJobs orders by add order: once a whole page was added before the window, older pages
    // can hold only jobs that finished before it too, save jobs that waited over an hour.
    if (page.items.length < PAGE || (oldest && oldest.createdAt < since - HOUR_MS)) break;
  }
  return out.filter((r) => r.finishedAt !== null && r.finishedAt >= since);
}

/** The last hour of `queue` by minute, and the told-against-real waits of `log`. */
export async function buildHistory(queue: Queue, log: PredictionLog, now: number): Promise<History> {
  const since = Math.floor((now - HOUR_MS) / BUCKET_MS) * BUCKET_MS + BUCKET_MS;
  const finished = await recentFinished(queue, since);
  const buckets = Array.from({ length: HOUR_MS / BUCKET_MS }, (_, i) => ({
    at: since + i * BUCKET_MS,
    completed: 0,
    failed: 0,
    waits: [] as number[],
    runs: [] as number[],
  }));
  for (const r of finished) {
    const b = buckets[Math.floor((r.finishedAt! - since) / BUCKET_MS)];
    if (!b) continue;
    if (r.state === 'completed') b.completed++;
    else b.failed++;
    if (r.startedAt !== null) {
      b.waits.push(Math.max(0, r.startedAt - r.runAt));
      b.runs.push(Math.max(0, r.finishedAt! - r.startedAt));
    }
  }
  return {
    queue: queue.name,
    bucketMs: BUCKET_MS,
    buckets: buckets.map((b) => {
      const w = summarise(b.waits);
      const r = summarise(b.runs);
      return { at: b.at, completed: b.completed, failed: b.failed, waitMs: { p50: w.p50, p95: w.p95 }, runMs: { p50: r.p50, p95: r.p95 } };
    }),
    predictions: log.pointsSince(since, finished),
  };
}
