/**
 * What a generated call is: a public-API call, whether its input is valid by the documented
 * contract, and what a correct refusal looks like.
 * @internal
 */
import type { Queue, Storage } from '@waitline/core';

/**
 * What the contract says of the input:
 * - `validation`: invalid; must be refused with a `ValidationError` carrying a path.
 * - `not-found`: an id of no job of this queue; must be refused with a `ValidationError` or a `JobNotFoundError`.
 * - `round-trip`: text a database may not hold; accepted only when it reads back exactly, else a typed refusal.
 */
export type Expectation = 'validation' | 'not-found' | 'round-trip';

/** The storage and queues a call runs against. */
export interface CallContext {
  storage: Storage;
  /** The queue most calls use: it holds a queued and a cancelled job. */
  queue: Queue<Record<string, unknown>>;
  /** An empty queue, for worker constructors (an accepted worker finds nothing to run). */
  idle: Queue<Record<string, unknown>>;
  queuedId: string;
  cancelledId: string;
  /** Adds a job to another queue and returns its id (cross-queue calls act on a fresh one). */
  otherQueueJob(): Promise<string>;
  /** The storage class's `open` (or, for options that are not an object, its `descriptor`). */
  open(options: unknown): Promise<unknown>;
}

/** One generated call. */
export interface BadCall {
  family: string;
  label: string;
  expect: Expectation;
  /** Sets up what the call needs (another queue's job) before the rows are counted. */
  prepare?(ctx: CallContext): Promise<unknown>;
  /** Runs the call; what it returns is closed when it has a `close` (an accepted worker or storage). */
  run(ctx: CallContext, prepared: unknown): Promise<unknown>;
  /** For `round-trip`: true when the accepted value reads back exactly. */
  readsBack?(ctx: CallContext, result: unknown): Promise<boolean>;
  /** A documented answer that is not an error (`getJob` of no such job is null). */
  acceptable?(result: unknown): boolean;
}
