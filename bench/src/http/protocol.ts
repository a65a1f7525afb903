/**
 * The messages between an HTTP scenario's server process (the bench child, which serves the
 * queue) and its load generator (a second process on localhost, http/load.ts), over the IPC channel.
 */

/** One group of status requests: a region of the queue (front, middle, back). */
export interface StatusGroup {
  name: string;
  /** Job ids to ask for, one request each. */
  ids: string[];
  /** The 1-based position each job must be reported at. */
  positions: number[];
}

/** Server → load generator. */
export type LoadCommand =
  | { kind: 'status'; url: string; groups: StatusGroup[]; concurrency: number; warmup: number; budgetMs: number; minSamples: number }
  | { kind: 'open-sse'; url: string; ids: string[]; concurrency: number; budgetMs: number }
  | { kind: 'close-sse' }
  | { kind: 'exit' };

/** The load generator's answers, one per command (`exit` has none). */
export type LoadReply =
  | { kind: 'status-done'; groups: Array<{ name: string; times: number[]; wrong: number; errors: string[] }> }
  | { kind: 'sse-open'; opened: number; failed: number; errors: string[]; openMs: number }
  | { kind: 'sse-closed'; events: number }
  | { kind: 'error'; error: string };
