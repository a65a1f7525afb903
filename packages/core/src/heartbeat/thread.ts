/**
 * The heartbeat thread: renews a worker's leases and registration from its own event loop and its
 * own storage connection, so a handler that blocks the main thread for minutes is never declared
 * stalled. It renews every job running under the worker's id, so the worker never has to tell it
 * which jobs run (a blocked main thread could not).
 * @internal
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorData } from '../error-data.js';
import type { Storage } from '../storage.js';
import { beat } from './beat.js';
import type { FromThread, HeartbeatInit, ToThread } from './protocol.js';

const init = workerData as HeartbeatInit;
let storage: Storage | undefined;
let timer: NodeJS.Timeout | undefined;
/** The heartbeat in flight, which `stop` lets finish before it closes the storage under it. */
let beating: Promise<void> | undefined;
let stopping = false;

function post(message: FromThread): void {
  parentPort?.postMessage(message);
}

function postError(err: unknown): void {
  post({ type: 'error', error: toErrorData(err) });
}

function tick(): void {
  if (!storage || beating || stopping) return;
  const { workerId, queue, leaseMs, registration } = init;
  const now = storage.clock?.now() ?? Date.now();
  beating = beat({ storage, workerId, queue, leaseMs, registration, now })
    .then((report) => post({ type: 'beat', report }), postError)
    .finally(() => {
      beating = undefined;
    });
}

async function stop(): Promise<void> {
  stopping = true;
  clearInterval(timer);
  await beating;
  await storage?.close();
  post({ type: 'stopped' });
  parentPort?.close();
}

parentPort?.on('message', (message: ToThread) => {
  if (message.type === 'stop') void stop();
});

async function main(): Promise<void> {
  const mod = (await import(init.descriptor.moduleUrl)) as Record<string, { fromDescriptor(o: unknown): Promise<Storage> }>;
  const factory = mod[init.descriptor.exportName];
  if (!factory) throw new Error(`module ${init.descriptor.moduleUrl} has no export ${init.descriptor.exportName}`);
  storage = await factory.fromDescriptor(init.descriptor.options);
  // A stop that arrived while the storage was opening has closed nothing yet: close it now.
  if (stopping) return void (await stop());
  timer = setInterval(tick, init.heartbeatMs);
  post({ type: 'ready' });
}

main().catch((err) => {
  postError(err);
  post({ type: 'stopped' });
});
