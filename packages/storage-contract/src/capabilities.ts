/**
 * Skipping by capability: a test that needs what a storage cannot do (reopen its data in another
 * handle, thread or process) is skipped for that storage, never weakened for the others.
 * @internal
 */
import type { StorageCapabilities } from '@waitline/core';
import { beforeEach } from 'vitest';
import type { StorageHarness } from './harness.js';

const probed = new WeakMap<StorageHarness, Promise<StorageCapabilities>>();

/** The capabilities of the harness's storages, read once from a storage created and closed for it. */
export function harnessCapabilities(harness: StorageHarness): Promise<StorageCapabilities> {
  let capabilities = probed.get(harness);
  if (capabilities === undefined) {
    capabilities = harness.create().then(async (storage) => {
      const { crossProcessEvents, transactionalEnqueue, reopenable, groups } = storage.capabilities;
      await storage.close();
      return { crossProcessEvents, transactionalEnqueue, reopenable, groups: groups === true };
    });
    probed.set(harness, capabilities);
  }
  return capabilities;
}

/**
 * Skips every test of the enclosing `describe` when the harness's storage lacks `capability`
 * (e.g. `reopenable`: the tests open the same data from another handle, thread or process).
 * Call it first in the `describe`, before other hooks, so a skipped test creates nothing.
 */
export function requireCapability(harness: StorageHarness, capability: keyof StorageCapabilities): void {
  beforeEach(async (ctx) => {
    if (!(await harnessCapabilities(harness))[capability]) ctx.skip(`the ${harness.name} storage is not ${capability}`);
  });
}
