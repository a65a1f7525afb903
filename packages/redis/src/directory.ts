/**
 * Which queue holds a job. Job keys carry their queue's hash tag (so a script on one queue touches
 * one cluster slot), and several seam methods name a job by id alone. Instead of a global id index
 * (one more write per add, and one that cannot share a slot with the job), the directory remembers
 * the queue of the jobs this process added or claimed, and otherwise asks every known queue at
 * once: a script on a queue that does not hold the job finds nothing and writes nothing.
 * @module
 * @internal
 */
import type { RedisClient } from './connection.js';
import type { KeySpace } from './keys.js';

/** How many job ids keep their queue in memory. */
const REMEMBERED_JOBS = 10_000;

/** Queue names, and the queue of recently seen jobs. @internal */
export class QueueDirectory {
  private readonly known = new Set<string>();
  private readonly jobQueues = new Map<string, string>();

  constructor(
    private readonly client: RedisClient,
    private readonly keys: KeySpace,
  ) {}

  /** Records that `queue` exists (in Redis once per process): the directory lists it from then on. */
  async addQueue(queue: string): Promise<void> {
    if (this.known.has(queue)) return;
    await this.client.sadd(this.keys.queues, queue);
    this.known.add(queue);
  }

  /** Every queue ever configured or added to, read from Redis. */
  async queues(): Promise<string[]> {
    const names = await this.client.smembers(this.keys.queues);
    for (const name of names) this.known.add(name);
    return names.sort();
  }

  /** Remembers that job `id` is in `queue`, forgetting the oldest beyond the limit. */
  remember(id: string, queue: string): void {
    this.jobQueues.delete(id);
    this.jobQueues.set(id, queue);
    if (this.jobQueues.size > REMEMBERED_JOBS) {
      const oldest = this.jobQueues.keys().next().value;
      if (oldest !== undefined) this.jobQueues.delete(oldest);
    }
  }

  /**
   * Runs `attempt` on the queue holding job `id` and returns its answer, or undefined when no queue
   * holds it. `attempt` returns undefined when its queue does not hold the job (and must then
   * have written nothing). Tries the remembered queue, then the known ones, then Redis's list.
   */
  async byId<T>(id: string, attempt: (queue: string) => Promise<T | undefined>): Promise<T | undefined> {
    const tried = new Set<string>();
    const remembered = this.jobQueues.get(id);
    const rounds: Array<() => Promise<string[]> | string[]> = [() => (remembered ? [remembered] : []), () => [...this.known], () => this.queues()];
    for (const round of rounds) {
      const candidates = (await round()).filter((q) => !tried.has(q));
      for (const q of candidates) tried.add(q);
      const answers = await Promise.all(candidates.map(attempt));
      const index = answers.findIndex((a) => a !== undefined);
      if (index >= 0) {
        this.remember(id, candidates[index] as string);
        return answers[index];
      }
    }
    this.jobQueues.delete(id);
    return undefined;
  }
}
