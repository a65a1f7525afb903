/**
 * The names of every queue of the prefix, kept in one Redis set: what `listQueues` and the
 * all-queue sweeps (a lease renewal or reclaim without a queue) start from. A job is never looked
 * up through it: every by-id call names its queue, and a job's keys live under that queue's hash
 * tag, so a job of another queue is simply not there.
 *
 * Specific to Redis, so a module of its own: SQLite and Postgres list their `queues` table.
 * @module
 * @internal
 */
import type { RedisClient } from './connection.js';
import type { KeySpace } from './keys.js';

/** The prefix's queue names, written to Redis once per process and queue. @internal */
export class QueueNames {
  private readonly known = new Set<string>();

  constructor(
    private readonly client: RedisClient,
    private readonly keys: KeySpace,
  ) {}

  /** Records that `queue` exists (in Redis once per process): it is listed from then on. */
  async add(queue: string): Promise<void> {
    if (this.known.has(queue)) return;
    await this.client.sadd(this.keys.queues, queue);
    this.known.add(queue);
  }

  /** Every queue ever configured or added to, read from Redis, sorted by name. */
  async list(): Promise<string[]> {
    const names = await this.client.smembers(this.keys.queues);
    for (const name of names) this.known.add(name);
    return names.sort();
  }
}
