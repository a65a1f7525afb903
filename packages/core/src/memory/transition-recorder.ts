/**
 * A test utility that watches every job state change a storage reports and checks it against the
 * lifecycle table `TRANSITIONS`.
 * @module
 */
import type { JobRecord } from '../job-record.js';
import { canTransition, type JobState } from '../state.js';
import type { EnqueueResult, SettleResult, Storage } from '../storage.js';

/** One state change of one job, as a storage call reported it. */
export interface Transition {
  id: string;
  queue: string;
  /** The state the job was last seen in; null when the call created it or it was not seen before. */
  from: JobState | null;
  to: JobState;
  /** The storage method whose result showed the change, e.g. `'settle'`. */
  via: string;
}

/** What {@link recordTransitions} returns. */
export interface TransitionRecorder {
  /** The storage to hand to `Queue` and `Worker`: every call goes to the wrapped one. */
  readonly storage: Storage;
  /** Every state change seen, in the order the calls returned. */
  readonly transitions: readonly Transition[];
  /** The changes `TRANSITIONS` does not allow (and a new job that is not `queued`). */
  readonly violations: readonly Transition[];
  /** The states one job went through, starting with the one it was created in. */
  history(id: string): JobState[];
  /** Throws an `Error` listing every violation; returns quietly when there is none. */
  assertValid(): void;
}

/** Options of {@link recordTransitions}. */
export interface RecordTransitionsOptions {
  /** Called with each violation as soon as a call reveals it (after the call returned). */
  onViolation?: (violation: Transition) => void;
}

/** The storage methods whose results show state changes. */
const WRITES = new Set(['enqueue', 'claim', 'settle', 'reclaimExpired', 'cancel', 'retry', 'changePriority', 'promote', 'reportProgress']);

/** The records a call's result shows, each with whether the call created it. */
function recordsOf(method: string, result: unknown): Array<{ job: JobRecord; created: boolean }> {
  const seen = (jobs: readonly JobRecord[]) => jobs.map((job) => ({ job, created: false }));
  switch (method) {
    case 'enqueue': {
      const r = result as EnqueueResult;
      return r.jobs.map((job, i) => ({ job, created: r.inserted[i] === true }));
    }
    case 'settle': {
      const r = result as SettleResult;
      return seen([...r.settled, ...r.claimed]);
    }
    case 'claim':
    case 'reclaimExpired':
      return seen(result as JobRecord[]);
    case 'cancel':
    case 'retry':
    case 'changePriority':
    case 'promote':
    case 'reportProgress':
      return seen([result as JobRecord]);
    default:
      return [];
  }
}

/** The recorded changes and the last state seen of each job. */
class TransitionLog {
  readonly transitions: Transition[] = [];
  readonly violations: Transition[] = [];
  private readonly last = new Map<string, JobState>();
  private readonly histories = new Map<string, JobState[]>();

  constructor(private readonly onViolation: ((violation: Transition) => void) | undefined) {}

  /** Records the changes `result` of `method` shows, checking each against `TRANSITIONS`. */
  observe(method: string, result: unknown): void {
    for (const { job, created } of recordsOf(method, result)) {
      const from = created ? null : (this.last.get(job.id) ?? null);
      this.last.set(job.id, job.state);
      if (from === job.state) continue;
      if (created || !this.histories.has(job.id)) this.histories.set(job.id, []);
      this.histories.get(job.id)?.push(job.state);
      const t: Transition = { id: job.id, queue: job.queue, from, to: job.state, via: method };
      this.transitions.push(t);
      const allowed = from === null ? !created || job.state === 'queued' : canTransition(from, job.state);
      if (allowed) continue;
      this.violations.push(t);
      this.onViolation?.(t);
    }
  }

  history(id: string): JobState[] {
    return [...(this.histories.get(id) ?? [])];
  }

  assertValid(): void {
    if (this.violations.length === 0) return;
    const lines = this.violations.map((v) => `job ${v.id} (${v.queue}): ${v.from ?? 'new'} -> ${v.to} via ${v.via}`);
    throw new Error(`${this.violations.length} job state change(s) not allowed by TRANSITIONS:\n${lines.join('\n')}`);
  }
}

/** `storage` seen through a proxy that hands each writing call's result to `observe` once it resolves. */
function observing(storage: Storage, observe: (method: string, result: unknown) => void): Storage {
  return new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || !WRITES.has(prop)) return value.bind(target);
      return async (...args: unknown[]) => {
        const result: unknown = await value.apply(target, args);
        observe(prop, result);
        return result;
      };
    },
  });
}

/**
 * Wraps `storage` so that every job state change its writing calls report (enqueue, claim,
 * settle, reclaimExpired, cancel, retry, changePriority, promote, reportProgress) is recorded and
 * checked against `TRANSITIONS`: a change the table does not allow, or a new job created in
 * another state than `queued`, is a violation. Run `Queue` and `Worker` on `recorder.storage`,
 * then call `recorder.assertValid()`.
 *
 * It sees what the calls return, in the order they return: every change must go through this
 * wrapper (one handle; not another process), and the calls must apply in the order they return,
 * which holds on `MemoryStorage` (each call runs in one synchronous step). Reads are not checked.
 */
export function recordTransitions(storage: Storage, options: RecordTransitionsOptions = {}): TransitionRecorder {
  const log = new TransitionLog(options.onViolation);
  return {
    storage: observing(storage, (method, result) => log.observe(method, result)),
    transitions: log.transitions,
    violations: log.violations,
    history: (id) => log.history(id),
    assertValid: () => log.assertValid(),
  };
}
