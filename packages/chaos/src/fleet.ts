/**
 * Worker processes the parent can SIGKILL, and the ledger of what they reported: every handler
 * start, return and stored outcome, with its process and time. From the ledger come the figures:
 * jobs run more than once (outside killed attempts), time until a killed job runs again, share
 * of jobs per process, and the most handlers ever running at once.
 * @internal
 */
import { type ChildProcess, fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { StorageDescriptor } from '@waitline/core';

/** One worker inside a child process. */
export interface WorkerSpec {
  queue: string;
  queueOptions?: Record<string, unknown>;
  workerOptions?: Record<string, unknown>;
  handlerMs: number;
}

/** What a child reported about one handler run. */
export interface Run {
  proc: number;
  queue: string;
  id: string;
  attempt: number;
  start: number;
  end: number | null;
  settled: string | null;
}

/** A worker error a child reported. */
export interface ReportedError {
  proc: number;
  name: string;
  code: string | null;
  message: string;
  at: number;
}

interface Child {
  proc: number;
  process: ChildProcess;
  ready: Promise<Record<string, number>>;
  killedAt: number | null;
  exited: Promise<void>;
}

type Message =
  | { type: 'ready'; leaseMs: Record<string, number> }
  | { type: 'start'; queue: string; id: string; attempt: number; at: number }
  | { type: 'end' | 'settled'; queue: string; id: string; state?: string; at: number }
  | { type: 'error'; name: string; code: string | null; message: string; at: number }
  | { type: 'started' }
  | { type: 'closed' };

/** The wall clock with sub-millisecond precision, comparable with the children's. */
export const clock = (): number => performance.timeOrigin + performance.now();

const fleets = new Set<Fleet>();

/** Stops every fleet of this test file: an `afterAll` of each file, so a test that failed early leaves no process behind. */
export async function stopAllFleets(): Promise<void> {
  await Promise.all([...fleets].map((f) => f.stop()));
  fleets.clear();
}

/** A set of worker processes on one storage and the ledger of their runs. */
export class Fleet {
  readonly runs: Run[] = [];
  readonly errors: ReportedError[] = [];
  private readonly children: Child[] = [];
  private readonly open = new Map<string, Run>();

  constructor(private readonly descriptor: StorageDescriptor) {
    fleets.add(this);
  }

  /** Forks one process running `workers`; resolves once it is ready (storage open), with its index. */
  async spawn(workers: WorkerSpec[]): Promise<number> {
    const proc = this.children.length;
    const script = fileURLToPath(new URL('./children/worker.mjs', import.meta.url));
    const child = fork(script, [JSON.stringify({ descriptor: this.descriptor, workers })], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    const ready = new Promise<Record<string, number>>((resolve, reject) => {
      child.on('message', (m: Message) => (m.type === 'ready' ? resolve(m.leaseMs) : this.onMessage(proc, m)));
      child.once('exit', (code, signal) => reject(new Error(`worker process ${proc} exited before ready (${code ?? signal})`)));
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.children.push({ proc, process: child, ready, killedAt: null, exited });
    await ready;
    return proc;
  }

  private onMessage(proc: number, m: Message): void {
    const key = (queue: string, id: string) => `${proc}/${queue}/${id}`;
    if (m.type === 'start') {
      const run: Run = { proc, queue: m.queue, id: m.id, attempt: m.attempt, start: m.at, end: null, settled: null };
      this.runs.push(run);
      this.open.set(key(m.queue, m.id), run);
    } else if (m.type === 'end' || m.type === 'settled') {
      const run = this.open.get(key(m.queue, m.id));
      if (!run) return;
      if (m.type === 'end') run.end = m.at;
      else {
        run.settled = m.state ?? 'settled';
        this.open.delete(key(m.queue, m.id));
      }
    } else if (m.type === 'error') {
      this.errors.push({ proc, name: m.name, code: m.code, message: m.message, at: m.at });
    }
  }

  /** The lease each queue's worker in process `proc` uses. */
  leaseMs(proc: number): Promise<Record<string, number>> {
    const child = this.children[proc];
    if (!child) throw new Error(`no process ${proc}`);
    return child.ready;
  }

  /**
   * Starts the workers of process `proc`, or of every process (one `go` each, in order); resolves
   * once they all registered and claim (a worker's boot, heartbeat thread included, can take
   * seconds on a loaded machine: a scenario that needs every process running waits for this).
   */
  go(proc?: number): Promise<void> {
    const chosen = this.children.filter((c) => proc === undefined || c.proc === proc);
    const started = chosen.map(
      (c) =>
        new Promise<void>((resolve) => {
          const on = (m: Message) => {
            if (m.type !== 'started') return;
            c.process.off('message', on);
            resolve();
          };
          c.process.on('message', on);
        }),
    );
    for (const c of chosen) c.process.send({ type: 'go' });
    return Promise.all(started).then(() => undefined);
  }

  /** SIGKILLs process `proc`; returns when it died. */
  async kill(proc: number): Promise<number> {
    const child = this.children[proc];
    if (!child) throw new Error(`no process ${proc}`);
    child.killedAt = clock();
    child.process.kill('SIGKILL');
    await child.exited;
    return child.killedAt;
  }

  /** When process `proc` was killed, or null. */
  killedAt(proc: number): number | null {
    return this.children[proc]?.killedAt ?? null;
  }

  /** Closes the live processes' workers gracefully (then they exit); kills any that hang. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.process.exitCode !== null || c.process.signalCode !== null) return;
        c.process.send({ type: 'stop' });
        const timeout = setTimeout(() => c.process.kill('SIGKILL'), 15_000);
        await c.exited;
        clearTimeout(timeout);
      }),
    );
  }
}

/** Runs of each job, in start order. */
export function runsByJob(runs: readonly Run[]): Map<string, Run[]> {
  const by = new Map<string, Run[]>();
  for (const r of [...runs].sort((a, b) => a.start - b.start)) {
    const key = `${r.queue}/${r.id}`;
    by.set(key, [...(by.get(key) ?? []), r]);
  }
  return by;
}

/**
 * Jobs that ran more than once where at-least-once does not excuse it: every run but the last
 * must be a killed attempt (its process SIGKILLed before the outcome was stored).
 */
export function ranTwice(runs: readonly Run[], killedAt: (proc: number) => number | null): string[] {
  const twice: string[] = [];
  for (const [key, list] of runsByJob(runs)) {
    const excused = list.slice(0, -1).every((r) => r.settled === null && killedAt(r.proc) !== null);
    if (list.length > 1 && !excused) twice.push(key);
  }
  return twice;
}

/** The most runs open at once (by handler start and return). */
export function peakOverlap(runs: ReadonlyArray<{ start: number; end: number | null }>): number {
  const edges = runs.flatMap((r) => [
    { t: r.start, d: 1 },
    { t: r.end ?? Number.POSITIVE_INFINITY, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let peak = 0;
  for (const e of edges) {
    open += e.d;
    peak = Math.max(peak, open);
  }
  return peak;
}
