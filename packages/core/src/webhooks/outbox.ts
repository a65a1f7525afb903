/**
 * Enqueueing webhook deliveries: the process that moves a job to a new state (a worker after a
 * settle, `queue.cancel()` for a queued job, the reclaim sweep) enqueues one delivery job of
 * {@link WEBHOOK_QUEUE} per event the job's subscription asks for.
 *
 * An outcome's delivery job has the idempotency key (job id, event, attempt, event time), so
 * enqueueing the same transition twice writes one delivery, while a job that fails again after a
 * retry by hand gets a second one. Progress deliveries have none: each is one coalesced send the
 * worker decided on, and two sends may carry the same report time (many reports in one
 * millisecond), so a key would take the trailing send for a repeat of the leading one. The transition and the enqueue are two storage writes: a process that dies
 * between them loses that one delivery (see `docs/webhooks.md`).
 * @internal
 * @module
 */
import type { JobRecord, WebhookEvent } from '../job-record.js';
import { defaultLogger, describeError } from '../logger.js';
import { buildNewJob, type JobDefaults } from '../new-job.js';
import type { Storage } from '../storage.js';
import { publishAdded } from '../storage-notify.js';
import { withStorageRetry } from '../worker/settle.js';
import { deliveryBody, outcomeEvent, type Standing, WEBHOOK_QUEUE, type WebhookDeliveryJob } from './body.js';

/**
 * The attempts stored with every delivery job: an upper bound only. The delivery worker's own
 * `attempts` option decides, through the queue's custom backoff (see `delivery.ts`).
 * @internal
 */
export const DELIVERY_ATTEMPTS_CAP = 100;

/** Stops retrying; the delivery worker's queue has the real function. */
const noRetry = (): number | null => null;

const DELIVERY_DEFAULTS: JobDefaults = {
  jobName: 'delivery',
  retry: { attempts: DELIVERY_ATTEMPTS_CAP, backoff: { kind: 'custom', delay: noRetry } },
  timeoutMs: null,
  webhook: null,
};

const NOWHERE: Standing = { position: null, eta: null };

/**
 * Enqueues the delivery of `event` for `job` when its subscription asks for that event; resolves
 * once written (or found already written). Throws what the storage throws.
 * @internal
 */
export async function enqueueDelivery(storage: Storage, job: JobRecord, event: WebhookEvent, now: number, standing: Standing = NOWHERE): Promise<void> {
  const sub = job.webhook;
  if (sub === null || !sub.events.includes(event)) return;
  const body = deliveryBody(job, event, standing, now);
  const payload: WebhookDeliveryJob = { url: sub.url, token: sub.token, event, body };
  const idempotencyKey = event === 'progress' ? undefined : `${job.id}:${event}:${job.attempt}:${body.time}`;
  // The body is made of values already checked where they came from (the job's payload at its
  // add, progress data at its report, the result at its settle); checked again inside the
  // delivery job, the depth the envelope adds would refuse values nested near the limit, and
  // every delivery of such a job would be lost. The envelope is checked, then the body put back.
  const built = buildNewJob(undefined, DELIVERY_DEFAULTS, { ...payload, body: {} }, { name: event, ...(idempotencyKey ? { idempotencyKey } : {}) }, now);
  built.payload = payload;
  const { inserted, announced } = await storage.enqueue({ queue: WEBHOOK_QUEUE, jobs: [built], now });
  if (inserted[0]) publishAdded(storage.notifier, { queue: WEBHOOK_QUEUE, kind: 'added', runAt: built.runAt }, announced);
}

let fallbackLog: ReturnType<typeof defaultLogger> | undefined;

/** Reports a failed enqueue on the process's rate-limited default logger. @internal */
export function logDeliveryError(err: unknown): void {
  fallbackLog ??= defaultLogger();
  const error = err instanceof Error ? err : new Error(String(err));
  fallbackLog.warn(`webhook delivery not enqueued: ${describeError(error)}`, error);
}

/**
 * Enqueues the delivery a job's final state calls for, if any; never rejects. A transient storage
 * error is retried with backoff (as a settle is); any other failure goes to `report`. A job in a
 * state that is not final enqueues nothing.
 * @internal
 */
export async function announceOutcome(storage: Storage, job: JobRecord, now: number, report: (err: unknown) => void = logDeliveryError): Promise<void> {
  const event = outcomeEvent(job.state);
  if (event === null || job.webhook === null) return;
  await withStorageRetry(() => enqueueDelivery(storage, job, event, now), report).catch(report);
}
