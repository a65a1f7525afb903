/**
 * The commands that read: `stats`, `list`, `show`. Tables by default, `--json` for scripts.
 * @module
 */
import type { JobRecord, JobState, JobStatus, QueueStats } from '@waitline/core';
import { maskJobSecrets, Queue, ValidationError } from '@waitline/core';
import type { Ctx } from '../context.js';
import { formatMs, formatTime, printable, printJson, shownJob, table } from '../output.js';
import { renderOverview } from '../watch/frame.js';
import { rateLimitText } from './actions.js';
import { groupLimitsText } from './groups.js';

const STATES: readonly JobState[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

function statsText(s: QueueStats): string {
  const c = s.counts;
  const flags = [s.config.paused ? 'paused' : '', s.config.draining ? 'draining' : ''].filter(Boolean).join(', ');
  const lines = [
    `queue ${s.queue}${flags ? ` (${flags})` : ''}: concurrency ${s.config.concurrency ?? 'unlimited'}, max size ${s.config.maxSize ?? 'unlimited'}, ${[rateLimitText(s.config.rateLimit), groupLimitsText(s.config)].filter(Boolean).join(', ')}`,
    table(
      ['ready', 'scheduled', 'running', 'completed', 'failed', 'cancelled'],
      [[c.ready, c.scheduled, c.running, c.completed, c.failed, c.cancelled].map(String)],
    ).trimEnd(),
    `workers ${s.workers.length} · capacity ${s.capacity} · utilisation ${Math.round(s.utilisation * 100)}%` +
      ` · success ${s.successRate === null ? '–' : `${Math.round(s.successRate * 100)}%`} · schedules ${s.schedules}`,
    `run time p50 ${formatMs(s.runTimeMs.p50)}, p95 ${formatMs(s.runTimeMs.p95)} · wait p50 ${formatMs(s.waitTimeMs.p50)}, p95 ${formatMs(s.waitTimeMs.p95)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `stats [queue]`: one queue's counts, workers, utilisation, success rate, run and wait times; or,
 * without a queue, every queue of the storage in one table (`--json`: an array of the same stats).
 */
export async function stats(ctx: Ctx, queueName: string | undefined): Promise<void> {
  if (queueName === undefined) {
    const all = await Promise.all((await ctx.storage.listQueues()).map((c) => new Queue(ctx.storage, c.name).getStats()));
    if (ctx.json) printJson(ctx.out, all);
    else ctx.out.write(renderOverview(all));
    return;
  }
  const s = await (await ctx.queue(queueName)).getStats();
  if (ctx.json) printJson(ctx.out, s);
  else ctx.out.write(statsText(s));
}

/** Parses `--state`: one of the five states. */
export function parseState(value: string | undefined): JobState | undefined {
  if (value === undefined) return undefined;
  if (!STATES.includes(value as JobState)) {
    throw new ValidationError(`--state must be one of ${STATES.join(', ')}, not "${value}"`, [{ path: ['state'], message: 'unknown state' }]);
  }
  return value as JobState;
}

function jobRow(j: JobRecord, now: number): string[] {
  const age = formatMs(now - j.createdAt);
  const detail = j.state === 'failed' ? (j.error?.message ?? '') : j.progress ? `${j.progress.percent ?? '–'}% ${j.progress.stage ?? ''}`.trim() : '';
  return [j.id, j.state, String(j.priority), `${j.attempt}/${j.maxAttempts}`, age, detail.slice(0, 60)];
}

/** A row with a group cell after the priority ('–' for an ungrouped job). */
function withGroup(row: string[], group: string | null): string[] {
  return [...row.slice(0, 3), group ?? '–', ...row.slice(3)];
}

/** `list <queue> [--state s] [--limit n]`: newest first. */
export async function list(ctx: Ctx, queueName: string, options: { state?: string; limit?: string }): Promise<void> {
  const state = parseState(options.state);
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ValidationError(`--limit must be an integer from 1 to 1000, not "${options.limit}"`, [{ path: ['limit'], message: 'out of range' }]);
  }
  const queue = await ctx.queue(queueName);
  const page = await queue.listJobs({ ...(state ? { states: [state] } : {}), limit, order: 'desc' });
  if (ctx.json) return printJson(ctx.out, page.items.map(shownJob));
  if (page.items.length === 0) return ctx.out.write(`no ${state ?? ''} jobs in ${queueName}\n`.replace('  ', ' '));
  const now = Date.now();
  // The group column appears only when a listed job has a group.
  const grouped = page.items.some((j) => j.group !== null);
  const rows = page.items.map((j) => (grouped ? withGroup(jobRow(j, now), j.group) : jobRow(j, now)));
  ctx.out.write(
    table(grouped ? withGroup(['id', 'state', 'prio', 'attempt', 'age', 'detail'], 'group') : ['id', 'state', 'prio', 'attempt', 'age', 'detail'], rows),
  );
}

function statusText(s: JobStatus, record: JobRecord): string {
  const where =
    s.state === 'queued'
      ? s.scheduled
        ? `scheduled for ${formatTime(s.runAt)}`
        : `position ${s.position}${s.eta?.startsInMs != null ? `, starts in ~${formatMs(s.eta.startsInMs)}` : ` (${s.eta?.basis ?? 'no estimate'})`}`
      : s.state;
  // The job's own texts are printed escaped (see printable); payload and result are JSON already.
  const lines = [
    `${s.id}  ${s.queue}/${printable(s.name)}  ${where}`,
    `priority ${s.priority}${record.group !== null ? ` · group ${printable(record.group)}` : ''} · attempt ${s.attempt}/${s.maxAttempts} · stalls ${s.stalls}${s.cancelRequested ? ' · cancel requested' : ''}`,
    `created ${formatTime(s.createdAt)} · started ${formatTime(s.startedAt)} · finished ${formatTime(s.finishedAt)}`,
  ];
  if (s.progress) lines.push(printable(`progress ${s.progress.percent ?? '–'}% ${s.progress.stage ?? ''}`.trimEnd()));
  if (s.error) lines.push(`error ${printable(`${s.error.code ?? s.error.name}: ${s.error.message}`)}`);
  lines.push(`payload ${JSON.stringify(record.payload)}`);
  if (s.result !== null) lines.push(`result ${JSON.stringify(s.result)}`);
  return `${lines.join('\n')}\n`;
}

/** `show <queue> <id>`: the job's status (position and ETA when waiting), payload, result, error. */
export async function show(ctx: Ctx, queueName: string, id: string): Promise<void> {
  const queue = await ctx.queue(queueName);
  const status = await queue.getStatus(id);
  const record = maskJobSecrets((await queue.getJob(id))!);
  if (ctx.json) return printJson(ctx.out, { ...status, payload: record.payload });
  ctx.out.write(statusText(status, record));
}
