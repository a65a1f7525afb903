/**
 * Adding jobs: a batch in one script (lib/enqueue.lua, see the header of `lua/scripts/enqueue.lua`),
 * all or none; the job arguments and the reply's reading are shared with a schedule's tick.
 * @module
 * @internal
 */
import {
  type EnqueueParams,
  type EnqueueResult,
  GroupFullError,
  type NewJob,
  QueueDrainingError,
  QueueFullError,
  queuedRecord,
  ValidationError,
} from '@waitline/core';
import { optionalArg, type RedisContext } from './context.js';
import type { EnqueueReply } from './replies.js';
import { toJobRecord } from './rows.js';
import type { ScriptArg } from './scripts.js';

/**
 * A batch repeats an id or reuses a stored one: a `ValidationError` at `['id']`, as every storage
 * reports it; nothing was written. @internal
 */
function duplicateId(id: string): ValidationError {
  const message = `a job with id "${id}" already exists (or appears twice in the batch)`;
  return new ValidationError(message, [{ path: ['id'], message }]);
}

/** The 13 script arguments of one job, in the order of enqueue.lua's header. @internal */
export function jobArgs(job: NewJob, payload: string): ScriptArg[] {
  return [
    job.id,
    job.name,
    payload,
    String(job.priority),
    String(job.runAt),
    String(job.maxAttempts),
    job.backoff ? JSON.stringify(job.backoff) : '',
    optionalArg(job.timeoutMs),
    optionalArg(job.size),
    job.idempotencyKey === null ? '' : `=${job.idempotencyKey}`,
    job.traceparent ?? '',
    job.webhook ? JSON.stringify(job.webhook) : '',
    job.group === undefined || job.group === null ? '' : `=${job.group}`,
  ];
}

/**
 * The records of an enqueue reply (lib/enqueue.lua), or the typed error of a refusal (nothing was
 * written then): `QueueDrainingError`, `QueueFullError`, `GroupFullError` (with the index of the
 * first job past its group's cap). `payloads` are the JSON texts sent. @internal
 */
export function enqueueReply(p: EnqueueParams, payloads: readonly string[], reply: EnqueueReply): EnqueueResult {
  if (reply[0] === 'duplicate') throw duplicateId(reply[1]);
  if (reply[0] === 'draining') throw new QueueDrainingError(p.queue);
  if (reply[0] === 'full') throw new QueueFullError(p.queue, Number(reply[1]));
  if (reply[0] === 'groupFull') {
    const [group, maxWaiting, index] = reply[1];
    throw new GroupFullError(p.queue, group, Number(maxWaiting), index);
  }
  const outcome = reply[1];
  const jobs = p.jobs.map((job, i) => {
    const o = outcome[i];
    if (Array.isArray(o)) return toJobRecord(p.queue, o);
    return queuedRecord(p.queue, job, Number(o), p.now, JSON.parse(payloads[i] as string));
  });
  const inserted = outcome.map((o) => !Array.isArray(o));
  return { jobs, inserted, ...(inserted.includes(true) ? { announced: true } : {}) };
}

/**
 * Writes the batch in one script: all jobs or none. The script also publishes the `added` wake-up
 * when it inserted a job, as the notice transport would (`notify.ts`: an envelope on the queue's
 * channel, from `origin`, the storage's notifier, which drops its own echo); the result says
 * `announced`, and core delivers the wake-up in this process only. @internal
 */
export async function enqueueJobs(ctx: RedisContext, p: EnqueueParams, origin: string): Promise<EnqueueResult> {
  await ctx.queueNames.add(p.queue);
  const args: ScriptArg[] = [String(p.now), String(p.jobs.length)];
  const payloads = p.jobs.map((job) => JSON.stringify(job.payload ?? null));
  p.jobs.forEach((job, i) => {
    args.push(...jobArgs(job, payloads[i] as string));
  });
  args.push(ctx.keys.channel(p.queue), `{"origin":${JSON.stringify(origin)},"notice":{"queue":${JSON.stringify(p.queue)},"kind":"added","runAt":`);
  return enqueueReply(p, payloads, await ctx.onQueue('enqueue', p.queue, args));
}
