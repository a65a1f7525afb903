/**
 * The one wrapper around every storage call: each adapter (and `MemoryStorage`) runs each seam
 * call through a {@link StorageGuard}, which refuses calls once the storage is closed, turns the
 * driver's errors into core's typed errors with the adapter's classifier, and reports each call's
 * duration and outcome to the process's {@link observeStorageCalls} observers (the Prometheus
 * collector of `@waitline/http` is one). What is the storage's own stays in the adapter: which
 * driver errors are transient, and how to name the storage in a message.
 * @module
 */
import { StorageUnavailableError } from './errors.js';
import type { Storage } from './storage.js';

/** The seam calls a guard runs: every method of {@link Storage} but `describe` and `close`. */
export type StorageCallName = Exclude<
  { [K in keyof Storage]-?: NonNullable<Storage[K]> extends (...args: never[]) => Promise<unknown> ? K : never }[keyof Storage],
  'close'
>;

/** One finished storage call, as observers see it. */
export interface StorageCall {
  /** The storage's kind: `'sqlite'`, `'postgres'`, `'redis'`, `'memory'`, or a third party's. */
  readonly storage: string;
  /** The seam call. */
  readonly operation: StorageCallName;
  /** Wall time from the call to its answer, in ms (fractional). */
  readonly durationMs: number;
  /** The error the call threw, after classification (absent when it answered). */
  readonly error?: unknown;
}

/** Told of every storage call of this process after it answers or throws; must not throw (a throw is dropped). */
export type StorageCallObserver = (call: StorageCall) => void;

const observers = new Set<StorageCallObserver>();

/**
 * Registers `observer` for every storage call of this process, whichever storage and queue, until
 * the returned function is called. Observers run synchronously after each call settles, so keep
 * them cheap (a histogram observe, a counter); a throw from one is dropped and never reaches the
 * caller. With no observer registered a call is not even timed.
 */
export function observeStorageCalls(observer: StorageCallObserver): () => void {
  observers.add(observer);
  return () => {
    observers.delete(observer);
  };
}

function report(call: StorageCall): void {
  for (const observer of observers) {
    try {
      observer(call);
    } catch {
      // An observer's failure must not change what the storage call answers.
    }
  }
}

/** How an adapter describes itself to its {@link StorageGuard}. */
export interface StorageGuardOptions {
  /** The storage's kind, reported to observers (`'sqlite'`). */
  kind: string;
  /** The storage named in messages, e.g. `SQLite storage on "jobs.db"`; a closed one says "<name> is closed". */
  name: string;
  /**
   * Returns the error to throw for what a call threw: a core error class (`StorageUnavailableError`
   * for a transient failure, a `ValidationError` for a duplicate) or the error itself. Must be
   * idempotent: an error it already produced comes back unchanged. Default: the error as thrown.
   */
  classify?: ((err: unknown) => unknown) | undefined;
}

/**
 * Runs one storage's seam calls: a closed storage refuses every call with
 * `StorageUnavailableError` ("… is closed") before touching its connection; a thrown error is
 * classified once, here; and each call is reported to the process's observers. Costs one
 * `await` per call, and two clock reads while someone observes.
 */
export class StorageGuard {
  readonly #kind: string;
  readonly #name: string;
  readonly #classify: (err: unknown) => unknown;
  #closed = false;

  constructor(options: StorageGuardOptions) {
    this.#kind = options.kind;
    this.#name = options.name;
    this.#classify = options.classify ?? ((err) => err);
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the storage closed; true the first time only, so `close()` releases its resources once. */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    return true;
  }

  /** The error a call on the closed storage throws. */
  closedError(): StorageUnavailableError {
    return new StorageUnavailableError(`${this.#name} is closed`);
  }

  /** The error to throw for `err`, by the adapter's classifier. */
  classify(err: unknown): unknown {
    return this.#classify(err);
  }

  /**
   * Runs `fn` as the seam call `operation`: rejects at once once closed (reported as a failed
   * call that took no time); rejects with the
   * classified error when `fn` throws or rejects; otherwise resolves with its answer.
   */
  async run<T>(operation: StorageCallName, fn: () => T | Promise<T>): Promise<T> {
    if (this.#closed) {
      const error = this.closedError();
      if (observers.size > 0) report({ storage: this.#kind, operation, durationMs: 0, error });
      throw error;
    }
    if (observers.size === 0) {
      try {
        return await fn();
      } catch (err) {
        throw this.#classify(err);
      }
    }
    return this.#observed(operation, fn);
  }

  async #observed<T>(operation: StorageCallName, fn: () => T | Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const answer = await fn();
      report({ storage: this.#kind, operation, durationMs: performance.now() - started });
      return answer;
    } catch (err) {
      const error = this.#classify(err);
      report({ storage: this.#kind, operation, durationMs: performance.now() - started, error });
      throw error;
    }
  }
}
