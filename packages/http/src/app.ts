/**
 * The state one handler shares between its routes: the queues by name, the hubs, the streams, the
 * prediction logs, and the checks every route makes (queue lookup, authorization).
 * @module
 */
import type { Queue } from '@waitline/core';
import { HttpError } from './errors.js';
import { PredictionLog } from './history.js';
import { type HubTiming, QueueHub } from './hub.js';
import type { ExposeOptions } from './projections.js';
import type { ActionName, AdminAction } from './router.js';
import { StreamRegistry } from './sse.js';

/** Decides whether a request may run an admin action; may throw `HttpError(401, …)`. */
export type Authorize = (request: Request, action: AdminAction) => boolean | Promise<boolean>;

/** The validated handler options, defaults applied. */
export interface AppConfig {
  basePath: string;
  authorize: Authorize | undefined;
  expose: Record<string, ExposeOptions>;
  allowAdd: boolean;
  maxBodyBytes: number;
  maxStreams: number;
  keepAliveMs: number;
  healthTimeoutMs: number;
  dashboard: boolean;
  timing: HubTiming;
}

/** One handler's shared state. */
export class App {
  readonly queues = new Map<string, Queue>();
  readonly streams: StreamRegistry;
  private readonly hubs = new Map<string, QueueHub>();
  private readonly logs = new Map<string, PredictionLog>();

  constructor(
    queues: readonly Queue[],
    readonly config: AppConfig,
  ) {
    for (const q of queues) this.queues.set(q.name, q);
    this.streams = new StreamRegistry(config.maxStreams, config.keepAliveMs);
  }

  /** The queue a route names; 404 `QUEUE_NOT_FOUND` when the handler was not given it. */
  queue(name: string | undefined): Queue {
    const q = name === undefined ? undefined : this.queues.get(name);
    if (!q) throw new HttpError(404, 'QUEUE_NOT_FOUND', `no queue named "${name}" is served here`, ['queue']);
    return q;
  }

  /** The told-against-real log of one queue. */
  predictions(queue: string): PredictionLog {
    let log = this.logs.get(queue);
    if (!log) this.logs.set(queue, (log = new PredictionLog()));
    return log;
  }

  /** The hub of one queue (created on first use; it subscribes only while watched). */
  hub(queue: Queue): QueueHub {
    let hub = this.hubs.get(queue.name);
    if (!hub) {
      const log = this.predictions(queue.name);
      hub = new QueueHub(queue, this.config.timing, (s) => log.note(s, Date.now()));
      this.hubs.set(queue.name, hub);
    }
    return hub;
  }

  /** How many queues hold a storage subscription now. */
  get subscriptions(): number {
    let n = 0;
    for (const h of this.hubs.values()) if (h.subscribed) n++;
    return n;
  }

  /**
   * Asks `authorize` about an admin action. Without `authorize`: 403 saying how to allow admin
   * routes. A false answer: 403. An `HttpError` it throws (such as 401) passes through.
   */
  async authorize(request: Request, name: ActionName, queue?: string, jobId?: string): Promise<void> {
    const { authorize } = this.config;
    if (!authorize) {
      throw new HttpError(
        403,
        'FORBIDDEN',
        'admin routes are off: pass createHandler({ authorize: (request, action) => … }) that answers true for the requests you allow',
      );
    }
    const action: AdminAction = { name, ...(queue !== undefined ? { queue } : {}), ...(jobId !== undefined ? { jobId } : {}) };
    if ((await authorize(request, action)) !== true) {
      throw new HttpError(403, 'FORBIDDEN', `not allowed: ${name}${queue ? ` on queue "${queue}"` : ''}`);
    }
  }

  /**
   * Whether `authorize` allows `name` on `queue` (a false answer is false, not a 403), for a
   * listing that shows each queue only to whom may read it. Call after {@link authorize} has
   * admitted the route; an `HttpError` it throws passes through.
   */
  async allows(request: Request, name: ActionName, queue: string): Promise<boolean> {
    return (await this.config.authorize?.(request, { name, queue })) === true;
  }

  private readonly closers: Array<() => void> = [];

  /** Runs `fn` when the handler closes (a route's own resources, such as the metrics collector). */
  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  /** Ends every stream, drops every subscription and releases what routes registered with `onClose`. */
  close(): void {
    this.streams.closeAll();
    for (const h of this.hubs.values()) h.close();
    for (const fn of this.closers.splice(0)) fn();
  }
}
