/**
 * The admin routes that read: stats, job lists, history and live queue events. Each asks
 * `authorize` first, before it even says whether the queue exists.
 * @module
 */
import { type JobRecord, MAX_WAITING_OFFSET, type Queue, waitingInClaimOrder } from '@waitline/core';
import { z } from 'zod';
import { readQuery } from './body.js';
import { errorAnswer, HttpError, json } from './errors.js';
import { buildHistory } from './history.js';
import { type AdminJob, toAdminJob } from './projections.js';
import type { ActionName, Route, RouteContext } from './router.js';
import { AdminJobSchema, ListQuerySchema, QueueStatsSchema } from './schemas.js';

/** Authorizes the route's action, then resolves the queue it names. */
export async function admitted(ctx: RouteContext, action: ActionName): Promise<Queue> {
  await ctx.app.authorize(ctx.request, action, ctx.params.queue, ctx.params.id);
  return ctx.app.queue(ctx.params.queue);
}

/**
 * Queued jobs in claim order (see `waitingInClaimOrder`: exact in a queue without groups, up to
 * `MAX_WAITING_OFFSET` deep); each job's position and ETA are read exactly. An offset deeper than
 * that is 400 at `query.cursor`.
 */
async function queuedPage(ctx: RouteContext, queue: Queue, offset: number, limit: number): Promise<AdminJob[]> {
  if (offset > MAX_WAITING_OFFSET) {
    throw new HttpError(400, 'VALIDATION', `query cursor: the queued listing reaches the first ${MAX_WAITING_OFFSET} jobs`, ['query', 'cursor']);
  }
  const slice = await waitingInClaimOrder(queue, { now: Date.now(), offset, limit });
  const log = ctx.app.predictions(queue.name);
  return Promise.all(
    slice.map(async (job) => {
      try {
        const status = await queue.getStatus(job.id);
        log.note(status, Date.now());
        return toAdminJob({ ...job, state: status.state, progress: status.progress }, status.position, status.eta);
      } catch {
        return toAdminJob(job);
      }
    }),
  );
}

/**
 * One page of a queue's jobs. Queued jobs come in claim order, their cursor an offset into it;
 * every other listing is newest first, its cursor the last job's `seq` (keyset paging: a page
 * never repeats or skips a job because jobs were added between reads).
 */
async function listJobs(ctx: RouteContext): Promise<Response> {
  const queue = await admitted(ctx, 'jobs.read');
  const { state, limit, cursor } = readQuery(ctx.url, ListQuerySchema);
  if (state === 'queued') {
    const offset = cursor === undefined ? 0 : Number(cursor);
    const jobs = await queuedPage(ctx, queue, offset, limit + 1);
    // The listing ends at MAX_WAITING_OFFSET: no cursor past it, which would be refused.
    const more = jobs.length > limit && offset + limit <= MAX_WAITING_OFFSET;
    return json(200, { jobs: jobs.slice(0, limit), nextCursor: more ? String(offset + limit) : null });
  }
  const after = cursor === undefined ? {} : { afterSeq: Number(cursor) };
  const page = await queue.listJobs({ ...(state ? { states: [state] } : {}), limit: limit + 1, order: 'desc', ...after });
  const records = page.items.slice(0, limit);
  const last = records.at(-1);
  const nextCursor = page.items.length > limit && last ? String(last.seq) : null;
  return json(200, { jobs: records.map((j: JobRecord) => toAdminJob(j)), nextCursor });
}

async function queueEvents(ctx: RouteContext): Promise<Response> {
  const queue = await admitted(ctx, 'events.read');
  return ctx.app.streams.respond(ctx.request, (sink) =>
    ctx.app.hub(queue).watchQueue({
      event: (name, data) => sink.send(name, data),
      stats: (stats) => sink.send('stats', stats),
      error: (error) => sink.send('failure', errorAnswer(error).body),
    }),
  );
}

const stats = z.object({ stats: QueueStatsSchema });

/** The admin read routes' table. */
export const ADMIN_READ_ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/queues',
    tag: 'admin',
    action: 'queues.read',
    summary: 'Stats of every queue served here that the caller may read',
    answers: { 200: { description: 'the stats of each queue `queues.read` allows', schema: z.object({ queues: z.array(QueueStatsSchema) }) } },
    run: async (ctx) => {
      await ctx.app.authorize(ctx.request, 'queues.read');
      // Each queue is asked about too: a caller allowed one tenant's queue sees that queue only.
      const queues = [...ctx.app.queues.values()];
      const allowed = await Promise.all(queues.map((q) => ctx.app.allows(ctx.request, 'queues.read', q.name)));
      return json(200, { queues: await Promise.all(queues.filter((_, i) => allowed[i]).map((q) => q.getStats())) });
    },
  },
  {
    method: 'GET',
    path: '/queues/:queue',
    tag: 'admin',
    action: 'queues.read',
    summary: 'One queue’s stats',
    answers: { 200: { description: 'the stats', schema: stats }, 404: { description: 'no such queue', schema: 'Error' } },
    run: async (ctx) => json(200, { stats: await (await admitted(ctx, 'queues.read')).getStats() }),
  },
  {
    method: 'GET',
    path: '/queues/:queue/history',
    tag: 'admin',
    action: 'queues.read',
    summary: 'The last hour by minute (throughput, wait and run time) and predicted against real waits',
    answers: { 200: { description: 'the history', schema: 'History' }, 404: { description: 'no such queue', schema: 'Error' } },
    run: async (ctx) => {
      const queue = await admitted(ctx, 'queues.read');
      return json(200, await buildHistory(queue, ctx.app.predictions(queue.name), Date.now()));
    },
  },
  {
    method: 'GET',
    path: '/queues/:queue/jobs',
    tag: 'admin',
    action: 'jobs.read',
    summary: 'A page of jobs, newest first; queued jobs in claim order with position and ETA',
    query: ListQuerySchema,
    answers: {
      200: { description: 'a page', schema: z.object({ jobs: z.array(AdminJobSchema), nextCursor: z.string().nullable() }) },
      400: { description: 'a bad query parameter', schema: 'Error' },
    },
    run: listJobs,
  },
  {
    method: 'GET',
    path: '/queues/:queue/events',
    tag: 'admin',
    action: 'events.read',
    summary: 'Every event of the queue live (SSE), and `stats` at once and at most once a second after a change',
    answers: { 200: { description: 'an event stream', type: 'text/event-stream' }, 404: { description: 'no such queue', schema: 'Error' } },
    run: queueEvents,
  },
];
