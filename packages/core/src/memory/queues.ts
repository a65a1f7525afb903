/**
 * Queue configuration and worker registration in memory.
 * @module
 * @internal
 */
import { compareCodeUnits } from '../ordering.js';
import type { RegisterWorkerParams, QueueConfig, SetGroupParams, UpsertQueueParams } from '../storage.js';
import { copyConfig } from './copy.js';
import { defaultQueueConfig, type MemoryStore } from './store.js';

/** Creates the queue with the defaults when missing; returns the stored (live) config. @internal */
export function ensureQueue(store: MemoryStore, name: string): QueueConfig {
  let config = store.queues.get(name);
  if (config === undefined) {
    config = defaultQueueConfig(name);
    store.queues.set(name, config);
  }
  return config;
}

/** Creates the queue or writes only the fields given (removing a rate limit forgets its log of starts); returns a copy of the stored config. @internal */
export function upsertQueue(store: MemoryStore, p: UpsertQueueParams): QueueConfig {
  const config = ensureQueue(store, p.name);
  if (p.concurrency !== undefined) config.concurrency = p.concurrency;
  if (p.maxSize !== undefined) config.maxSize = p.maxSize;
  if (p.paused !== undefined) config.paused = p.paused;
  if (p.maxStalls !== undefined) config.maxStalls = p.maxStalls;
  if (p.draining !== undefined) config.draining = p.draining;
  if (p.rateLimit === null) {
    delete config.rateLimit;
    store.rateStarts.delete(p.name);
  } else if (p.rateLimit !== undefined) config.rateLimit = { max: p.rateLimit.max, intervalMs: p.rateLimit.intervalMs };
  setOptional(config, 'groupConcurrency', p.groupConcurrency);
  setOptional(config, 'groupMaxWaiting', p.groupMaxWaiting);
  if (p.groupRateLimit === null) {
    delete config.groupRateLimit;
    store.groupStarts.delete(p.name);
  } else if (p.groupRateLimit !== undefined) config.groupRateLimit = { max: p.groupRateLimit.max, intervalMs: p.groupRateLimit.intervalMs };
  return copyConfig(config);
}

/** Writes an optional field that is left out when unset: null deletes it, undefined keeps it. */
function setOptional(config: QueueConfig, key: 'groupConcurrency' | 'groupMaxWaiting', value: number | null | undefined): void {
  if (value === null) delete config[key];
  else if (value !== undefined) config[key] = value;
}

/** Every stored queue's config, sorted by name in code-unit order. @internal */
export function listQueues(store: MemoryStore): QueueConfig[] {
  return [...store.queues.values()].sort((a, b) => compareCodeUnits(a.name, b.name)).map(copyConfig);
}

/** Inserts the worker, or refreshes it keeping `startedAt`. @internal */
export function registerWorker(store: MemoryStore, p: RegisterWorkerParams): void {
  const known = store.workers.get(p.id);
  store.workers.set(p.id, {
    id: p.id,
    queue: p.queue,
    host: p.host,
    pid: p.pid,
    concurrency: p.concurrency,
    startedAt: known?.startedAt ?? p.now,
    lastSeenAt: p.now,
  });
}

/** Stores a named group's weight (null: back to 1), creating a missing queue. @internal */
export function setGroupSettings(store: MemoryStore, p: SetGroupParams): void {
  ensureQueue(store, p.queue);
  store.queueJobs(p.queue).groups.setWeight(p.group, p.settings === null ? null : p.settings.weight);
}
