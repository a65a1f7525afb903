/**
 * A stand-in storage for unit tests of core's validation: every seam method records its call and
 * answers with an empty result, so a test can prove a rejected call never reached the storage.
 */
import type { Storage } from '../src/storage.js';

/** What a test reads back: the recorded calls, in order. */
export interface Recording {
  storage: Storage;
  calls: Array<{ method: string; params: unknown }>;
}

const ANSWERS: Record<string, (params: unknown) => unknown> = {
  upsertQueue: (p) => ({ name: (p as { name: string }).name, concurrency: null, maxSize: null, paused: false }),
  getQueue: () => null,
  enqueue: (p) => {
    const { queue, jobs, now } = p as { queue: string; jobs: Array<Record<string, unknown>>; now: number };
    return { jobs: jobs.map((j, i) => ({ ...j, queue, seq: i, state: 'queued', createdAt: now })), inserted: jobs.map(() => true) };
  },
  listJobs: () => ({ items: [], nextOffset: null }),
  removeJobs: () => 0,
  getJob: () => null,
  getPositionInputs: () => null,
  getPosition: () => null,
};

/** A storage whose every method records and answers as an empty database would. */
export function recordingStorage(): Recording {
  const calls: Recording['calls'] = [];
  const base = { capabilities: { crossProcessEvents: false, transactionalEnqueue: false, reopenable: false } };
  const storage = new Proxy(base, {
    get(target, key) {
      if (key in target) return target[key as keyof typeof target];
      if (typeof key !== 'string' || key === 'then' || key === 'notifier' || key === 'clock') return undefined;
      return async (params: unknown) => {
        calls.push({ method: key, params });
        return ANSWERS[key]?.(params);
      };
    },
  }) as unknown as Storage;
  return { storage, calls };
}
