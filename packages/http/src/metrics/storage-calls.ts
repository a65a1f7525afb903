/**
 * The storage-call instruments of the metrics collector: a histogram of every storage call this
 * process makes (through core's storage guard, whatever queue or storage) and a counter of the
 * failed ones by error code. Unlike the queue metrics they are fed as calls happen, not read at a
 * scrape, so they say how the storage behaves for this process's workers and API.
 * @module
 */
import { observeStorageCalls, type StorageCall, WaitlineError } from '@waitline/core';
import type { Counter, Histogram, Registry } from 'prom-client';
import type { PromClientModule } from './load.js';

/**
 * Bucket bounds in seconds of `waitline_storage_call_duration_seconds`: 250 µs to 5 s, where an
 * embedded claim, a network round trip and a stalled server each fall in their own buckets.
 */
export const STORAGE_CALL_BUCKETS: readonly number[] = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type CallLabel = 'storage' | 'operation';

/** The code label of a failed call: the `WaitlineError` code, or `OTHER` for anything untyped. */
function errorCode(error: unknown): string {
  return error instanceof WaitlineError ? error.code : 'OTHER';
}

/**
 * Creates both instruments in `registry` and starts feeding them from every storage call of this
 * process; returns the function that stops feeding them. @internal
 */
export function trackStorageCalls(client: PromClientModule, prefix: string, registry: Registry): () => void {
  const duration: Histogram<CallLabel> = new client.Histogram<CallLabel>({
    registers: [registry],
    name: `${prefix}storage_call_duration_seconds`,
    help: 'Duration of each storage call this process made, by storage kind and seam call (failed calls included).',
    labelNames: ['storage', 'operation'],
    buckets: [...STORAGE_CALL_BUCKETS],
  });
  const errors: Counter<CallLabel | 'code'> = new client.Counter<CallLabel | 'code'>({
    registers: [registry],
    name: `${prefix}storage_call_errors_total`,
    help: 'Storage calls this process made that threw, by storage kind, seam call and error code (STORAGE_UNAVAILABLE: the storage could not be reached).',
    labelNames: ['storage', 'operation', 'code'],
  });
  return observeStorageCalls((call: StorageCall) => {
    const labels = { storage: call.storage, operation: call.operation };
    duration.observe(labels, call.durationMs / 1000);
    if ('error' in call) errors.inc({ ...labels, code: errorCode(call.error) });
  });
}
