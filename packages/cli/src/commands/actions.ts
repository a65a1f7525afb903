/**
 * The commands that act on a job (`cancel`, `retry`, `promote`, `priority`) or a queue (`pause`,
 * `resume`, `drain`, `clear`, `clean`, `rate-limit`). Each prints what it changed; `--json` prints it as JSON.
 * @module
 */
import { type JobRecord, type QueueRateLimit, ValidationError } from '@waitline/core';
import type { Ctx } from '../context.js';
import { parseDuration } from '../duration.js';
import { formatMs, printJson, shownJob } from '../output.js';

function printJob(ctx: Ctx, verb: string, job: JobRecord): void {
  if (ctx.json) printJson(ctx.out, shownJob(job));
  else
    ctx.out.write(
      `${verb} ${job.id}: now ${job.state}${job.cancelRequested && job.state === 'running' ? ' (cancel requested: the handler is aborting)' : ''}, priority ${job.priority}\n`,
    );
}

/** `cancel|retry|promote <queue> <id>`. */
export async function jobAction(ctx: Ctx, verb: 'cancel' | 'retry' | 'promote', queueName: string, id: string): Promise<void> {
  const queue = await ctx.queue(queueName);
  const past = { cancel: 'cancelled', retry: 'retried', promote: 'promoted' }[verb];
  printJob(ctx, past, await queue[verb](id));
}

/** `priority <queue> <id> <p>`. */
export async function priority(ctx: Ctx, queueName: string, id: string, value: string): Promise<void> {
  const p = Number(value);
  if (!/^-?\d+$/.test(value)) throw new ValidationError(`priority must be an integer, not "${value}"`, [{ path: ['priority'], message: 'not an integer' }]);
  const queue = await ctx.queue(queueName);
  printJob(ctx, 'reprioritised', await queue.changePriority(id, p));
}

/** `pause|resume|drain <queue>`; drain returns once the queue is stored as draining. */
export async function queueAction(ctx: Ctx, verb: 'pause' | 'resume' | 'drain', queueName: string): Promise<void> {
  const queue = await ctx.queue(queueName);
  if (verb === 'drain') await queue.drain({ wait: false });
  else await queue[verb]();
  const config = await queue.getConfig();
  if (ctx.json) return printJson(ctx.out, config);
  const state = config.paused ? 'paused' : config.draining ? 'draining (adds refused until resume)' : 'running';
  ctx.out.write(`queue ${queueName}: ${state}\n`);
}

/** `clear <queue>`: removes every queued job. */
export async function clear(ctx: Ctx, queueName: string): Promise<void> {
  const removed = await (await ctx.queue(queueName)).clear();
  if (ctx.json) printJson(ctx.out, { removed });
  else ctx.out.write(`removed ${removed} queued job${removed === 1 ? '' : 's'} from ${queueName}\n`);
}

/** `clean <queue> --state s [--older-than 48h]`. */
export async function clean(ctx: Ctx, queueName: string, options: { state?: string; olderThan?: string }): Promise<void> {
  const states = ['completed', 'failed', 'cancelled', 'queued'] as const;
  const state = options.state as (typeof states)[number];
  if (!states.includes(state)) {
    throw new ValidationError(`--state must be one of ${states.join(', ')}`, [{ path: ['state'], message: 'required' }]);
  }
  const olderThanMs = options.olderThan === undefined ? undefined : parseDuration(options.olderThan, ['olderThan']);
  const removed = await (await ctx.queue(queueName)).clean({ state, ...(olderThanMs !== undefined ? { olderThanMs } : {}) });
  if (ctx.json) printJson(ctx.out, { removed });
  else ctx.out.write(`removed ${removed} ${state} job${removed === 1 ? '' : 's'} from ${queueName}\n`);
}

/** How a rate limit reads: "at most 10 starts per 1m", or "no rate limit". */
export function rateLimitText(limit: QueueRateLimit | null | undefined): string {
  return limit ? `at most ${limit.max} start${limit.max === 1 ? '' : 's'} per ${formatMs(limit.intervalMs)}` : 'no rate limit';
}

/**
 * `rate-limit <queue> --max N --per 1m` sets the queue's limit for every process; `--off` removes
 * it. Core validates the values (a `ValidationError` at `rateLimit.max`, nothing written).
 */
export async function rateLimit(ctx: Ctx, queueName: string, options: { max?: string; per?: string; off?: boolean }): Promise<void> {
  const given = options.max !== undefined || options.per !== undefined;
  if (options.off === true && given)
    throw new ValidationError('give --off, or --max with --per, not both', [{ path: ['off'], message: 'conflicts with --max/--per' }]);
  if (options.off !== true && (options.max === undefined || options.per === undefined)) {
    throw new ValidationError('give --max N and --per <duration> (e.g. --max 10 --per 1m), or --off', [
      { path: [options.max === undefined ? 'max' : 'per'], message: 'required' },
    ]);
  }
  const limit = options.off === true ? null : { max: Number(options.max), intervalMs: parseDuration(options.per as string, ['per']) };
  const config = await (await ctx.queue(queueName)).setRateLimit(limit);
  if (ctx.json) printJson(ctx.out, config);
  else ctx.out.write(`queue ${queueName}: ${rateLimitText(config.rateLimit)}\n`);
}
