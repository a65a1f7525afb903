/**
 * The one interface every benchmarked system implements. A system is set up on a fresh SQLite
 * file per scenario, driven through its own public API, and torn down at the end.
 */

/** The payload every benchmark job carries. */
export interface Payload {
  i: number;
}

/** Whatever a system uses to name a job (Waitline: string ids; peers: integer rowids). */
export type JobRef = string | number;

export interface WorkerOptions {
  /** Jobs handled at once (the system's own concurrency setting, or N of its workers). */
  concurrency: number;
  /** Called when a job's handler starts; awaited like a job handler. */
  handler: () => void | Promise<void>;
  /** Called once per job after the system itself has recorded it as completed. */
  onCompleted: () => void;
}

export interface WorkerHandle {
  stop(): Promise<void>;
}

export interface BenchSystem {
  /** Short id used on the command line (`--systems`). */
  readonly id: string;
  /** Name printed in tables. */
  readonly name: string;
  /** How S2 is driven: the system's bulk API, its loop in a transaction, or sequential adds. */
  readonly bulk: 'native' | 'transaction' | 'none';
  /** Settings used, printed under the tables. */
  readonly notes: string[];
  setup(dbPath: string): Promise<void>;
  addOne(payload: Payload): Promise<JobRef>;
  /** Adds one chunk; returns the ids in order. */
  addBulk(payloads: Payload[]): Promise<JobRef[]>;
  startWorker(opts: WorkerOptions): Promise<WorkerHandle>;
  /** Position of a waiting job (only systems with a position API). */
  getPosition?(id: JobRef): Promise<number | null>;
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
