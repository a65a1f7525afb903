/**
 * The delivery worker: runs the jobs of {@link WEBHOOK_QUEUE}, each one POST of a signed JSON
 * body to a job's webhook URL, retried with backoff.
 * @module
 */
import { z } from 'zod';
import { type BackoffOption, computeRetryDelay, toBackoffSpec } from '../backoff.js';
import { PermanentJobError, ValidationError, WebhookDeliveryError } from '../errors.js';
import type { JobRecord } from '../job-record.js';
import { isPlainObject, notAnObject, parseJobOptions, parseOptions, parseWorkerOptions, timerMs } from '../options.js';
import { Queue } from '../queue.js';
import type { Storage } from '../storage.js';
import type { HandlerContext } from '../worker/context.js';
import { Worker } from '../worker/worker.js';
import type { WorkerOptions } from '../worker/worker-options.js';
import { WEBHOOK_QUEUE, type WebhookDeliveryJob, type WebhookPayload } from './body.js';
import { DELIVERY_ATTEMPTS_CAP } from './outbox.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './signature.js';

/** Options of {@link startWebhookDelivery}. */
export interface WebhookDeliveryOptions {
  /** The HMAC-SHA256 key every delivery is signed with; receivers check it with `verifyWebhookSignature`. At least 16 characters. */
  secret: string;
  /** Deliveries in flight at once in this process. Default 10. */
  concurrency?: number | undefined;
  /** How long one POST may take, connection and answer included, before the attempt fails. Default 10 000 ms. */
  timeoutMs?: number | undefined;
  /** Attempts per delivery, the first included: 1 to 100, default 3. */
  attempts?: number | undefined;
  /** The delay before each retry: `fixed`, `exponential` or `list`. Default exponential from 1 s, at most 1 min. */
  backoff?: Exclude<BackoffOption, { kind: 'custom' }> | undefined;
  /**
   * Options of the underlying `Worker` (lease, poll interval, logger...), validated as a worker's
   * (errors at `['options', 'worker', ...]`). `concurrency` (give it above) and `autostart` are refused.
   */
  worker?: Omit<WorkerOptions, 'concurrency' | 'autostart'> | undefined;
}

/** What a delivered job stores as its result. */
export interface WebhookDeliveryResult {
  /** The 2xx status the receiver answered. */
  status: number;
}

/** A running delivery worker. */
export interface WebhookDeliveryHandle {
  /** The internal queue of deliveries: list, retry or clean them like any queue's jobs. */
  readonly queue: Queue<WebhookDeliveryJob, WebhookDeliveryResult>;
  /** The worker that runs them; its `error` event reports storage trouble. */
  readonly worker: Worker<WebhookDeliveryJob, WebhookDeliveryResult>;
  /** Stops the worker as `Worker.close` does: deliveries in flight finish or go back to the queue. */
  close(options?: { graceMs?: number }): Promise<void>;
}

const DEFAULT_BACKOFF: BackoffOption = { kind: 'exponential', baseMs: 1_000, maxMs: 60_000 };

const optionsSchema = z
  .object({
    secret: z.string().min(16, 'the secret must be at least 16 characters'),
    concurrency: z.number().int().min(1).max(1_000).optional(),
    timeoutMs: timerMs().optional(),
    attempts: z.number().int().min(1).max(DELIVERY_ATTEMPTS_CAP).optional(),
    backoff: z.unknown().optional(),
    worker: z.unknown().optional(),
  })
  .strict();

/** The `Worker` options the delivery sets itself: refused inside `worker`, not silently replaced. */
const OWN_WORKER_OPTIONS = ['concurrency', 'autostart'] as const;

/** Checks the `worker` option (paths under `['options', 'worker']`) and returns it, `{}` when absent. */
function parseDeliveryWorker(value: unknown): Omit<WorkerOptions, 'concurrency' | 'autostart'> {
  const root = ['options', 'worker'];
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw notAnObject('webhook delivery options', value, root);
  for (const field of OWN_WORKER_OPTIONS) {
    if (value[field] === undefined) continue;
    const message = field === 'concurrency' ? 'give concurrency as a delivery option, not a worker option' : 'a delivery worker always starts';
    throw new ValidationError(`invalid webhook delivery options at ${[...root, field].join('.')}: ${message}`, [{ path: [...root, field], message }]);
  }
  parseWorkerOptions(value, root);
  return value as Omit<WorkerOptions, 'concurrency' | 'autostart'>;
}

interface Resolved {
  secret: string;
  timeoutMs: number;
}

/** Where a URL points, for messages: no query or fragment (they may hold secrets). */
function shown(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/**
 * Runs `fn` with a signal that aborts when `outer` does or after `ms`. A timer and a listener of
 * its own, both held until `fn` settles: a signal from `AbortSignal.timeout` that nothing else
 * references can be collected before it fires (seen under load on Node 20), leaving the request hung.
 */
async function withTimeout<T>(outer: AbortSignal, ms: number, fn: (signal: AbortSignal, timedOut: () => boolean) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`timed out after ${ms} ms`));
  }, ms);
  const onAbort = () => controller.abort(outer.reason);
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(controller.signal, () => expired);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
  }
}

/** One POST; resolves with the status on 2xx, throws what the attempt failed with otherwise. */
async function post(job: JobRecord<WebhookDeliveryJob>, ctx: HandlerContext, o: Resolved): Promise<WebhookDeliveryResult> {
  const { url, token, event, body } = job.payload;
  const text = JSON.stringify({ deliveryId: job.id, ...body } satisfies WebhookPayload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'waitline-webhooks',
    'waitline-event': event,
    'waitline-delivery': job.id,
    'waitline-attempt': String(ctx.attempt),
    [WEBHOOK_SIGNATURE_HEADER]: signWebhook(o.secret, Date.now(), text),
  };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await withTimeout(ctx.signal, o.timeoutMs, async (signal, timedOut) => {
    try {
      const answer = await fetch(url, { method: 'POST', headers, body: text, signal, redirect: 'manual' });
      await answer.body?.cancel().catch(() => undefined);
      return answer;
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const why = timedOut() ? `no answer within ${o.timeoutMs} ms` : `the request failed (${(err as Error).cause ?? (err as Error).message})`;
      throw new WebhookDeliveryError(`webhook POST to ${shown(url)}: ${why}`, null, { cause: err });
    }
  });
  if (res.status >= 200 && res.status < 300) return { status: res.status };
  const failure = new WebhookDeliveryError(`webhook POST to ${shown(url)} answered ${res.status}`, res.status);
  if (res.status === 410) throw new PermanentJobError(`${failure.message} (Gone): not retried`, { cause: failure });
  throw failure;
}

/**
 * Starts delivering webhooks from `storage`: a `Worker` on the internal queue
 * {@link WEBHOOK_QUEUE} that POSTs each delivery's JSON body (see `WebhookPayload`) to its URL
 * with `content-type: application/json`, `Waitline-Event`, `Waitline-Delivery` (the delivery's id,
 * the same on every retry: deduplicate on it), `Waitline-Attempt`, `Waitline-Signature` (see
 * `verifyWebhookSignature`) and, when the webhook has a token, `Authorization: Bearer <token>`.
 *
 * A 2xx answer delivers. 410 Gone fails the delivery at once (no retry). Any other status, a
 * redirect (not followed), a network error or no answer within `timeoutMs` fails the attempt;
 * it is retried with `backoff` until `attempts` ran out, then the delivery ends `failed` (listed
 * by `handle.queue.listFailed()`). Deliveries are jobs, so they survive restarts and run on
 * whichever process runs this. Throws `ValidationError` (path `['options', ...]`) for bad options.
 */
export function startWebhookDelivery(storage: Storage, options: WebhookDeliveryOptions): WebhookDeliveryHandle {
  const o = parseOptions(optionsSchema, options, 'webhook delivery options', ['options']);
  const backoff = parseJobOptions({ backoff: o.backoff ?? DEFAULT_BACKOFF }, ['options']).backoff;
  const workerOptions = { ...parseDeliveryWorker(o.worker), concurrency: o.concurrency ?? 10 };
  const spec = toBackoffSpec(backoff);
  const attempts = o.attempts ?? 3;
  const delay = ({ attempt, error }: { attempt: number; error: unknown }) => (attempt >= attempts ? null : computeRetryDelay(spec, { attempt, error }));
  const queue = new Queue<WebhookDeliveryJob, WebhookDeliveryResult>(storage, WEBHOOK_QUEUE, {
    retry: { attempts: DELIVERY_ATTEMPTS_CAP, backoff: { kind: 'custom', delay } },
  });
  const resolved: Resolved = { secret: o.secret, timeoutMs: o.timeoutMs ?? 10_000 };
  const worker = new Worker(queue, (job, ctx) => post(job, ctx, resolved), workerOptions);
  return { queue, worker, close: (closeOptions) => worker.close(closeOptions) };
}
