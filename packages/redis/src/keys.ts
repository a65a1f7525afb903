/**
 * Key names. Every key of one queue carries the hash tag `{prefix:queue}`, so in a Redis Cluster
 * all of them live in one slot and each script touches one slot. The few keys that span queues
 * (schema version, queue list, workers) are read and written one key per command.
 *
 * Specific to Redis, so a module of its own: SQLite and Postgres name tables, not keys.
 * @module
 * @internal
 */
import { ValidationError } from '@waitline/core';

/**
 * Letters, digits and `. _ -`: no `{`, `}` (hash tags) nor glob characters (cleanup patterns), and
 * no `:`. Queue names may hold `:`, and every key joins prefix and queue with `:` (`{prefix:queue}`,
 * `prefix:notices:queue`), so a prefix without one makes the join injective: the first `:` always
 * ends the prefix, and no two (prefix, queue) pairs can share a key. (With `:` allowed, prefix `P`
 * with queue `x:y` and prefix `P:x` with queue `y` were the same keys.)
 */
const PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Checks a key prefix once, so keys built from it need no escaping and never collide. @internal */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    const shown = typeof prefix === 'string' ? `"${prefix}"` : String(prefix);
    const message = 'a string of 1-100 letters, digits or . _ - (no ":"), starting with a letter or digit';
    throw new ValidationError(`Redis key prefix ${shown} must be ${message}`, [{ path: ['prefix'], message }]);
  }
  return prefix;
}

/** The keys one queue's scripts receive, in the order of `lua/lib/common.lua` (KEYS[1..10]). @internal */
export const QUEUE_KEY_SUFFIXES = ['config', 'seq', 'ready', 'scheduled', 'running', 'all', 'completed', 'failed', 'cancelled', 'idem'] as const;

/** What a per-queue script needs: its ten keys and the job key prefix (ARGV[1]). @internal */
export interface QueueKeys {
  queue: string;
  keys: string[];
  jobPrefix: string;
  config: string;
}

/** Key names under one prefix. @internal */
export class KeySpace {
  /** Schema version (`schema` field). */
  readonly meta: string;
  /** The set of queue names ever configured or added to. */
  readonly queues: string;
  /** Worker id -> worker JSON. */
  readonly workers: string;
  private readonly perQueue = new Map<string, QueueKeys>();

  constructor(readonly prefix: string) {
    this.meta = `${prefix}:meta`;
    this.queues = `${prefix}:queues`;
    this.workers = `${prefix}:workers`;
  }

  /** The keys of one queue (built once per queue and kept). */
  queue(queue: string): QueueKeys {
    let found = this.perQueue.get(queue);
    if (found === undefined) {
      const tag = `{${this.prefix}:${queue}}`;
      const keys = QUEUE_KEY_SUFFIXES.map((suffix) => `${tag}:${suffix}`);
      found = { queue, keys, jobPrefix: `${tag}:j:`, config: `${tag}:config` };
      this.perQueue.set(queue, found);
    }
    return found;
  }

  /** The pub/sub channel of one queue's notices. */
  channel(queue: string): string {
    return `${this.prefix}:notices:${queue}`;
  }

  /**
   * Who wants one queue's events from other processes (a `QueueEvents`): a sorted set of
   * listener ids scored by when their registration expires. In the queue's hash slot.
   */
  listeners(queue: string): string {
    return `{${this.prefix}:${queue}}:listeners`;
  }

  /**
   * One queue's schedules: a sorted set of schedule keys scored by next tick; each schedule is the
   * hash `<this key>:<schedule key>`. In the queue's hash slot.
   */
  schedules(queue: string): string {
    return `{${this.prefix}:${queue}}:schedules`;
  }

  /**
   * One queue's kept ETA samples of pruned jobs: a zset by finish time (see `lua/lib/prune.lua`).
   * In the queue's hash slot.
   */
  samples(queue: string): string {
    return `{${this.prefix}:${queue}}:samples`;
  }

  /**
   * One queue's group weights: a hash of named group -> weight (`lua/lib/weights.lua`), absent
   * while no group has stored settings. In the queue's hash slot.
   */
  groupWeights(queue: string): string {
    return `{${this.prefix}:${queue}}:gweights`;
  }

  /** One queue's housekeeping hash: stored retention policy and housekeeping lease. In the queue's hash slot. */
  housekeeping(queue: string): string {
    return `{${this.prefix}:${queue}}:housekeeping`;
  }

  /** The pattern matching every queue's notice channel. */
  channelPattern(): string {
    return `${this.prefix}:notices:*`;
  }

  /** Glob patterns matching every key under the prefix (for cleanup in tests and tools). */
  patterns(): string[] {
    return [`${this.prefix}:*`, `{${this.prefix}:*`];
  }
}
