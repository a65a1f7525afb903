/**
 * The public routes: health, and a job's status (once, or live over SSE) for anyone holding its id.
 * @module
 */
import { maskJobSecrets } from '@waitline/core';
import { z } from 'zod';
import type { App } from './app.js';
import { errorAnswer, HttpError, json } from './errors.js';
import { isFinal, toPublicStatus } from './projections.js';
import type { Route, RouteContext } from './router.js';
import { withTimeout } from './timeout.js';

const HealthSchema = z.object({ status: z.enum(['ok', 'unavailable']), queues: z.record(z.string(), z.string()) });

async function health({ app }: RouteContext): Promise<Response> {
  const queues: Record<string, string> = {};
  await Promise.all(
    [...app.queues.values()].map(async (q) => {
      try {
        await withTimeout(q.getConfig(), app.config.healthTimeoutMs, `no answer within ${app.config.healthTimeoutMs} ms`);
        queues[q.name] = 'ok';
      } catch (error) {
        queues[q.name] = error instanceof Error ? error.message : String(error);
      }
    }),
  );
  const ok = Object.values(queues).every((v) => v === 'ok');
  return json(ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', queues });
}

/** Storage errors whose message names the storage (a file path, a schema, a host). */
const STORAGE_CODES = new Set(['STORAGE_UNAVAILABLE', 'STORAGE_RESET']);

/**
 * A public route's answer to an error: a storage that cannot answer is 503 with its code but a
 * message that does not describe the deployment (file paths, schema and host names stay in the
 * admin routes, the logs and `/health`, whose reasons are documented).
 */
function publicError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !STORAGE_CODES.has(code)) return error;
  return new HttpError(503, code, 'the job store cannot answer right now; try again shortly');
}

async function payloadIfExposed(app: App, queue: string, id: string): Promise<unknown> {
  if (!app.config.expose[queue]?.payload) return undefined;
  const record = await app.queue(queue).getJob(id);
  return record ? maskJobSecrets(record).payload : undefined;
}

async function jobStatus({ app, params }: RouteContext): Promise<Response> {
  const queue = app.queue(params.queue);
  const status = await queue.getStatus(params.id!).catch((error: unknown) => Promise.reject(publicError(error)));
  app.predictions(queue.name).note(status, Date.now());
  const payload = await payloadIfExposed(app, queue.name, status.id);
  return json(200, toPublicStatus(status, payload, app.config.expose[queue.name] ?? {}));
}

/**
 * The fields whose change is worth an event; the ETA counts in 5-second steps, its start and its
 * finish (a running job's start is 0: only its finish moves). Progress data counts only when the
 * queue exposes it (`toPublicStatus` leaves it out otherwise).
 */
function changeKey(s: ReturnType<typeof toPublicStatus>): string {
  const step = (ms: number | null) => (ms === null ? '-' : Math.round(ms / 5000));
  const eta = s.eta ? `${s.eta.basis}:${step(s.eta.startsInMs)}:${step(s.eta.finishesInMs)}` : '';
  const progress = s.progress ? [s.progress.percent, s.progress.stage, s.progress.data] : null;
  return JSON.stringify([s.state, s.scheduled, s.position, s.attempt, s.cancelRequested, progress, eta]);
}

async function jobEvents({ app, params, request }: RouteContext): Promise<Response> {
  const queue = app.queue(params.queue);
  const first = await queue.getStatus(params.id!).catch((error: unknown) => Promise.reject(publicError(error)));
  app.predictions(queue.name).note(first, Date.now());
  const expose = app.config.expose[queue.name] ?? {};
  const payload = await payloadIfExposed(app, queue.name, first.id);
  return app.streams.respond(request, (sink) => {
    let last = '';
    const unwatch = app.hub(queue).watchJob(
      first.id,
      (status, error) => {
        if (sink.closed) return;
        if (!status) {
          sink.send('failure', errorAnswer(publicError(error)).body);
          sink.close();
          return;
        }
        const view = toPublicStatus(status, payload, expose);
        const key = changeKey(view);
        if (key !== last) {
          last = key;
          sink.send('status', view);
        }
        if (isFinal(status.state)) sink.close();
      },
      first,
    );
    return unwatch;
  });
}

/** The public routes' table. */
export const PUBLIC_ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/health',
    tag: 'public',
    summary: 'Whether every queue’s storage answers (within healthTimeoutMs)',
    answers: {
      200: { description: 'every storage answers', schema: HealthSchema },
      503: { description: 'a storage does not answer; the reason per queue', schema: HealthSchema },
    },
    run: health,
  },
  {
    method: 'GET',
    path: '/jobs/:queue/:id',
    tag: 'public',
    summary: 'A job’s public status: state, position, ETA, progress, timestamps',
    answers: {
      200: { description: 'the status', schema: 'PublicJobStatus' },
      400: { description: 'an id that cannot be a job id', schema: 'Error' },
      404: { description: 'no such queue or job', schema: 'Error' },
      503: { description: 'the storage does not answer (STORAGE_UNAVAILABLE)', schema: 'Error' },
    },
    run: jobStatus,
  },
  {
    method: 'GET',
    path: '/jobs/:queue/:id/events',
    tag: 'public',
    summary: 'A job’s status live (SSE `status` events at each change until a final state, then the stream ends)',
    answers: {
      200: { description: 'an event stream of `status` events (data: PublicJobStatus)', type: 'text/event-stream' },
      400: { description: 'an id that cannot be a job id', schema: 'Error' },
      404: { description: 'no such queue or job', schema: 'Error' },
      503: { description: 'too many open streams (TOO_MANY_STREAMS), or the storage does not answer (STORAGE_UNAVAILABLE)', schema: 'Error' },
    },
    run: jobEvents,
  },
];
