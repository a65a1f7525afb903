/**
 * The admin routes that act: on one job (cancel, retry, promote, priority), on a queue (pause,
 * resume, drain, clear, clean, rate limit) and, when allowed, submitting a job. Each asks `authorize` first.
 * @module
 */
import { GroupFullError, type JobRecord, type Queue, ValidationError } from '@waitline/core';
import { z } from 'zod';
import { readJson } from './body.js';
import { HttpError, json } from './errors.js';
import { toAdminJob } from './projections.js';
import type { ActionName, Route, RouteContext } from './router.js';
import { AddBodySchema, AddedSchema, AdminJobSchema, CleanBodySchema, PriorityBodySchema, QueueConfigSchema, RateLimitBodySchema } from './schemas.js';
import { admitted } from './routes-admin.js';

const jobAnswer = z.object({ job: AdminJobSchema });
/** The answer of a route that changes a queue's configuration. */
export const configAnswer = z.object({ config: QueueConfigSchema });
const removedAnswer = z.object({ removed: z.number().int() });
const errors = {
  404: { description: 'no such queue or job', schema: 'Error' as const },
  409: { description: 'the job is not in a state that allows it', schema: 'Error' as const },
};

/**
 * Where a core error's path lies in the request: a job id is the URL's (`['id']`, as on every
 * route); the rest is under `body`, with the core argument that carried the body (`root`, as
 * `options` for `queue.clean(body)`) dropped.
 */
function requestPath(path: ReadonlyArray<string | number>, root: string | undefined): Array<string | number> {
  if (path[0] === 'id') return [...path];
  return ['body', ...(root !== undefined && path[0] === root ? path.slice(1) : path)];
}

/** Runs a core call on body values; a `ValidationError` (or a full group) answers with its path under `body` (see `requestPath`). */
export async function onBody<T>(call: () => Promise<T>, root?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ValidationError) throw new HttpError(400, 'VALIDATION', error.message, requestPath(error.path, root));
    if (error instanceof GroupFullError) throw new HttpError(429, 'GROUP_FULL', error.message, requestPath(error.path, root));
    throw error;
  }
}

async function jobAnswerOf(queue: Queue, record: JobRecord): Promise<Response> {
  if (record.state !== 'queued') return json(200, { job: toAdminJob(record) });
  const status = await queue.getStatus(record.id).catch(() => null);
  return json(200, { job: toAdminJob(record, status?.position ?? null, status?.eta ?? null) });
}

function jobAction(name: ActionName, verb: 'cancel' | 'retry' | 'promote', summary: string): Route {
  return {
    method: 'POST',
    path: `/jobs/:queue/:id/${verb}`,
    tag: 'admin',
    action: name,
    summary,
    answers: { 200: { description: 'the job after the change', schema: jobAnswer }, ...errors },
    run: async (ctx) => {
      const queue = await admitted(ctx, name);
      return jobAnswerOf(queue, await queue[verb](ctx.params.id!));
    },
  };
}

function queueAction(verb: 'pause' | 'resume', summary: string): Route {
  return {
    method: 'POST',
    path: `/queues/:queue/${verb}`,
    tag: 'admin',
    action: `queue.${verb}`,
    summary,
    answers: { 200: { description: 'the stored configuration', schema: configAnswer }, 404: errors[404] },
    run: async (ctx) => json(200, { config: await (await admitted(ctx, `queue.${verb}`))[verb]() }),
  };
}

async function addJob(ctx: RouteContext): Promise<Response> {
  const queue = await admitted(ctx, 'job.add');
  if (!ctx.app.config.allowAdd) {
    throw new HttpError(403, 'FORBIDDEN', 'submitting jobs over HTTP is off: pass createHandler({ allowAdd: true }) to allow it');
  }
  const body = await readJson(ctx.request, AddBodySchema, ctx.app.config.maxBodyBytes);
  if (body.options && 'tx' in body.options) throw new HttpError(400, 'VALIDATION', 'options.tx cannot be given over HTTP', ['body', 'options', 'tx']);
  const job = await onBody(() => queue.add(body.payload as never, body.options as never));
  const status = await queue.getStatus(job.id);
  ctx.app.predictions(queue.name).note(status, Date.now());
  return json(
    201,
    { id: job.id, position: status.position, eta: status.eta },
    { location: `${ctx.app.config.basePath}/jobs/${encodeURIComponent(queue.name)}/${encodeURIComponent(job.id)}` },
  );
}

/** The admin control routes' table. */
export const CONTROL_ROUTES: Route[] = [
  jobAction('job.cancel', 'cancel', 'Cancels a job: a queued one at once, a running one through its AbortSignal'),
  jobAction('job.retry', 'retry', 'Runs a failed or cancelled job again, with its attempts reset'),
  jobAction('job.promote', 'promote', 'Makes a scheduled (delayed) job ready now'),
  {
    method: 'PUT',
    path: '/jobs/:queue/:id/priority',
    tag: 'admin',
    action: 'job.priority',
    summary: 'Changes a queued job’s priority (1–1000, higher runs first)',
    body: PriorityBodySchema,
    answers: { 200: { description: 'the job after the change', schema: jobAnswer }, 400: { description: 'a bad priority', schema: 'Error' }, ...errors },
    run: async (ctx) => {
      const queue = await admitted(ctx, 'job.priority');
      const { priority } = await readJson(ctx.request, PriorityBodySchema, ctx.app.config.maxBodyBytes);
      return jobAnswerOf(queue, await onBody(() => queue.changePriority(ctx.params.id!, priority)));
    },
  },
  queueAction('pause', 'Pauses the queue: no job starts; running jobs go on'),
  queueAction('resume', 'Resumes a paused or draining queue'),
  {
    method: 'POST',
    path: '/queues/:queue/drain',
    tag: 'admin',
    action: 'queue.drain',
    summary: 'Makes the queue refuse adds until resume; workers finish what is queued',
    answers: { 202: { description: 'the queue is draining', schema: configAnswer }, 404: errors[404] },
    run: async (ctx) => {
      const queue = await admitted(ctx, 'queue.drain');
      await queue.drain({ wait: false });
      return json(202, { config: await queue.getConfig() });
    },
  },
  {
    method: 'POST',
    path: '/queues/:queue/clear',
    tag: 'admin',
    action: 'queue.clear',
    summary: 'Removes every queued job (ready and scheduled); running jobs go on',
    answers: { 200: { description: 'how many were removed', schema: removedAnswer }, 404: errors[404] },
    run: async (ctx) => json(200, { removed: await (await admitted(ctx, 'queue.clear')).clear() }),
  },
  {
    method: 'POST',
    path: '/queues/:queue/clean',
    tag: 'admin',
    action: 'queue.clean',
    summary: 'Removes jobs in one state older than olderThanMs (by finish time, or add time for queued)',
    body: CleanBodySchema,
    answers: { 200: { description: 'how many were removed', schema: removedAnswer }, 400: { description: 'a bad body', schema: 'Error' }, 404: errors[404] },
    run: async (ctx) => {
      const queue = await admitted(ctx, 'queue.clean');
      const body = await readJson(ctx.request, CleanBodySchema, ctx.app.config.maxBodyBytes);
      return json(200, { removed: await onBody(() => queue.clean(body), 'options') });
    },
  },
  {
    method: 'PUT',
    path: '/queues/:queue/rate-limit',
    tag: 'admin',
    action: 'queue.rateLimit',
    summary: 'Sets the queue’s rate limit for every process (at most max starts in any intervalMs window), or removes it with null',
    body: RateLimitBodySchema,
    answers: { 200: { description: 'the stored configuration', schema: configAnswer }, 400: { description: 'a bad body', schema: 'Error' }, 404: errors[404] },
    run: async (ctx) => {
      const queue = await admitted(ctx, 'queue.rateLimit');
      const body = await readJson(ctx.request, RateLimitBodySchema, ctx.app.config.maxBodyBytes);
      return json(200, { config: await onBody(() => queue.setRateLimit(body.rateLimit)) });
    },
  },
  {
    method: 'POST',
    path: '/queues/:queue/jobs',
    tag: 'admin',
    action: 'job.add',
    summary: 'Submits a job (only with allowAdd: true); the queue’s schema validates the payload',
    body: AddBodySchema,
    answers: {
      201: { description: 'the new job’s id, position and ETA', schema: AddedSchema },
      400: { description: 'the payload or options are refused', schema: 'Error' },
      409: { description: 'the queue is draining', schema: 'Error' },
      429: { description: 'the queue is full', schema: 'Error' },
    },
    run: addJob,
  },
];
