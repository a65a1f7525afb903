/**
 * The `webhook` option of a job and of a queue: its schema (validated before anything is
 * written) and how it resolves into the {@link WebhookSubscription} stored with the job.
 * @module
 */
import { z } from 'zod';
import type { WebhookEvent, WebhookSubscription } from '../job-record.js';
import { textProblem } from '../limits.js';

/** Every webhook event, in the order a subscription lists them. */
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['progress', 'completed', 'failed', 'cancelled'];

/** The `webhook` option of `queue.add` and of `new Queue(...)`. */
export interface WebhookOptions {
  /** An absolute `http:` or `https:` URL, at most 2048 characters, without user name or password. */
  url: string;
  /** The events to deliver; all four by default. At least one, from {@link WEBHOOK_EVENTS}. */
  events?: WebhookEvent[] | undefined;
  /** Sent as `Authorization: Bearer <token>`: 1-4096 visible ASCII characters (no spaces). */
  token?: string | undefined;
  /** Include the job's payload in each delivery's body. Default false. */
  includePayload?: boolean | undefined;
  /**
   * Progress deliveries of one job are at least this far apart (the latest progress is sent at the
   * end of the interval): an integer from 0 to 86 400 000 ms, default 5 000
   * ({@link DEFAULT_PROGRESS_INTERVAL_MS}).
   */
  progressIntervalMs?: number | undefined;
}

/** The default least time between two progress deliveries of one job. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 5_000;

/** Why a URL cannot be delivered to, or null when it can. */
function urlProblem(text: string): string | null {
  const bad = textProblem(text);
  if (bad !== null) return `the text ${bad}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http: and https: URLs are delivered to, not ${url.protocol}`;
  if (url.username !== '' || url.password !== '') return 'a URL with a user name or password is refused: give a token instead';
  return null;
}

const urlSchema = z
  .string()
  .min(1)
  .max(2048)
  .superRefine((text, ctx) => {
    const problem = urlProblem(text);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });
const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS as [WebhookEvent, ...WebhookEvent[]]))
  .min(1)
  .max(16);
const tokenSchema = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[\x21-\x7e]+$/, 'a token is visible ASCII characters without spaces (it is sent in a header)');
const intervalSchema = z.number().int().min(0).max(86_400_000);

/** The zod schema of {@link WebhookOptions}. @internal */
export const webhookSchema = z
  .object({
    url: urlSchema,
    events: eventsSchema.optional(),
    token: tokenSchema.optional(),
    includePayload: z.boolean().optional(),
    progressIntervalMs: intervalSchema.optional(),
  })
  .strict();

/**
 * The zod schema of a {@link WebhookSubscription} as stored (every field present): what an import
 * accepts, so it stores nothing the `webhook` option would refuse. @internal
 */
export const storedWebhookSchema = z
  .object({ url: urlSchema, events: eventsSchema, token: tokenSchema.nullable(), includePayload: z.boolean(), progressIntervalMs: intervalSchema })
  .strict();

/** The stored form of valid options: every event when none are named, in {@link WEBHOOK_EVENTS} order. @internal */
export function toSubscription(options: WebhookOptions): WebhookSubscription {
  const named = new Set(options.events ?? WEBHOOK_EVENTS);
  return {
    url: options.url,
    events: WEBHOOK_EVENTS.filter((e) => named.has(e)),
    token: options.token ?? null,
    includePayload: options.includePayload ?? false,
    progressIntervalMs: options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
  };
}

/**
 * A job's subscription: its own option when given (null turns the queue's default off), else the
 * queue's default. @internal
 */
export function resolveWebhook(option: WebhookOptions | null | undefined, fallback: WebhookSubscription | null): WebhookSubscription | null {
  if (option === null) return null;
  return option === undefined ? fallback : toSubscription(option);
}
