/**
 * The server side of the HTTP scenarios, in the bench child: `createHandler` on `node:http` on a
 * free loopback port, the load generator process (load.ts) it drives, storage subscriptions
 * counted honestly, and memory read after a full garbage collection.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Notifier, Queue } from '@waitline/core';
import { createHandler, toNodeListener, type WaitlineHandler } from '@waitline/http';
import type { LoadCommand, LoadReply } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A handler with default options serving one queue, and how to stop it. */
export interface Served {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  handler: WaitlineHandler;
  close(): Promise<void>;
}

/** Serves `createHandler({ queues: [queue] })` through `toNodeListener` on a free port of 127.0.0.1. */
export async function serve(queue: Queue): Promise<Served> {
  const handler = createHandler({ queues: [queue] });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handler,
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The load generator process; one command at a time. */
export class LoadProcess {
  private readonly child: ChildProcess;
  private exited: Promise<void>;

  constructor() {
    this.child = fork(join(here, 'load.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Sends a command and resolves with its answer; rejects when the process errs or exits first. */
  request(command: Exclude<LoadCommand, { kind: 'exit' }>): Promise<LoadReply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the load generator exited (${code}) before answering ${command.kind}`));
      this.child.once('exit', onExit);
      this.child.once('message', (m: LoadReply) => {
        this.child.off('exit', onExit);
        if (m.kind === 'error') reject(new Error(`load generator: ${m.error}`));
        else resolve(m);
      });
      this.child.send(command);
    });
  }

  /** Asks the process to exit, and kills it when it has not within 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ kind: 'exit' } satisfies LoadCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Live and peak storage subscriptions made through one notifier since `countSubscriptions`. */
export interface SubscriptionCount {
  live(): number;
  peak(): number;
  /** Puts the notifier's own `subscribe` back. */
  restore(): void;
}

/**
 * Counts the subscriptions made on `queue.storage.notifier` from now on, by wrapping its
 * `subscribe` (an own property shadowing the method): each call adds one live subscription, its
 * unsubscribe function (first call only) removes it. Throws for a storage without a notifier.
 */
export function countSubscriptions(queue: Queue): SubscriptionCount {
  const notifier = queue.storage.notifier as Notifier | undefined;
  if (!notifier) throw new Error('this storage has no notifier: no subscription to count');
  const original = notifier.subscribe;
  let live = 0;
  let peak = 0;
  const wrapped: Notifier['subscribe'] = (name, listener, options) => {
    const off = original.call(notifier, name, listener, options);
    live++;
    peak = Math.max(peak, live);
    let done = false;
    return () => {
      if (!done) live--;
      done = true;
      off();
    };
  };
  notifier.subscribe = wrapped;
  if (notifier.subscribe !== wrapped) throw new Error('could not wrap notifier.subscribe');
  return {
    live: () => live,
    peak: () => peak,
    restore: () => {
      delete (notifier as { subscribe?: unknown }).subscribe;
      if (notifier.subscribe !== original) notifier.subscribe = original;
    },
  };
}

let gcFn: (() => void) | undefined;

/** Memory of this process: resident set, JS heap in use, and memory outside the heap (buffers). */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
  external: number;
}

/**
 * This process's memory after a full garbage collection, a 1 s pause (so the allocator can hand
 * freed pages back) and another (`--expose-gc` turned on at run time).
 */
export async function memoryAfterGc(): Promise<MemoryReading> {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  await new Promise((r) => setTimeout(r, 1_000));
  gcFn();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}
