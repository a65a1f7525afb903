/**
 * The one interface every benchmarked system implements. A system belongs to one storage family,
 * is set up on a fresh isolated place per scenario (a SQLite file, a Postgres schema, a Redis key
 * prefix), driven through its own public API, and torn down at the end.
 */
import type { Queue } from '@waitline/core';
import type { Family, Place } from '../places.js';

export type { Family, Place };

/** The payload every benchmark job carries. */
export interface Payload {
  i: number;
}

/** Whatever a system uses to name a job (Waitline: string ids; peers: integers or uuids). */
export type JobRef = string | number;

export interface WorkerOptions {
  /** Jobs handled at once (the system's own concurrency setting, or N of its workers). */
  concurrency: number;
  /** Called when a job's handler starts; awaited like a job handler. */
  handler: () => void | Promise<void>;
  /**
   * Called once per job after it finished; after the system recorded it where the system reports
   * that, else as soon as the system says it is done (and then `settled` covers the write).
   */
  onCompleted: () => void;
}

export interface WorkerHandle {
  /**
   * For systems that record completions in the background after reporting them: resolves once
   * storage shows every job reported so far as completed. Drains await it before stopping the clock.
   */
  settled?(): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchSystem {
  /** Short id used on the command line (`--systems`). */
  readonly id: string;
  /** Name printed in tables. */
  readonly name: string;
  /** Storage family: tables and ratios are per family. */
  readonly family: Family;
  /** How S2 is driven: the system's bulk API, its loop in a transaction, or sequential adds. */
  readonly bulk: 'native' | 'transaction' | 'none';
  /** Settings used, printed under the tables. */
  readonly notes: string[];
  /** Extra queue sizes (multiples of n) for the position scenario beyond n and 10·n. */
  readonly positionHuge?: number;
  setup(place: Place): Promise<void>;
  addOne(payload: Payload): Promise<JobRef>;
  /** Adds one chunk; returns the ids in order. */
  addBulk(payloads: Payload[]): Promise<JobRef[]>;
  /** Adds one chunk, each job in its group (systems whose open API has groups); ids in order. */
  addBulkGrouped?(items: Array<{ payload: Payload; group: string }>): Promise<JobRef[]>;
  startWorker(opts: WorkerOptions): Promise<WorkerHandle>;
  /** Position of a waiting job (only systems with a position API, or a documented way to find it). */
  getPosition?(id: JobRef): Promise<number | null>;
  /**
   * Waitline systems: the job's full status (position and ETA, what a user's page polls); the
   * position it reports, or null when it has none.
   */
  getStatusPosition?(id: JobRef): Promise<number | null>;
  /** Waitline systems: the queue set up on the current place (the HTTP scenarios serve it). */
  waitlineQueue?(): Queue<Payload>;
  teardown(): Promise<void>;
}

/** Options shared by every system factory. */
export interface SystemOptions {
  /** Poll interval for poll-based peers when idle, in ms. */
  pollMs: number;
  /** Validate payloads with a zod schema where the system supports it. */
  validate: boolean;
}

export type SystemFactory = (opts: SystemOptions) => BenchSystem;
