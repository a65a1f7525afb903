/**
 * The harness that runs the storage contract on `MemoryStorage`. A memory storage has no schema and
 * cannot be reopened (`capabilities.reopenable` is false), so the suite skips every test that
 * opens its data elsewhere; the harness's reopening members throw, so a test that forgot to skip
 * fails loudly instead of passing on nothing.
 *
 * It uses core's built package (`dist/`), as the other storages' harnesses do: build first.
 * @internal
 */
import { MemoryStorage, type Storage } from '@waitline/core';
import type { StorageHarness } from '../src/index.js';

function notReopenable(what: string): never {
  throw new Error(`${what}: a MemoryStorage cannot be reopened; the contract skips this test for storages that are not reopenable`);
}

/** A harness whose storages are fresh `MemoryStorage`s, closed by `cleanup`. */
export function createMemoryHarness(): StorageHarness {
  let opened: Storage[] = [];
  return {
    name: 'memory',
    codeSchemaVersion: 0,
    create: async () => {
      const storage = await MemoryStorage.open();
      opened.push(storage);
      return storage;
    },
    freshDescriptor: async () => notReopenable('freshDescriptor'),
    open: async () => notReopenable('open'),
    schemaVersion: async () => notReopenable('schemaVersion'),
    setSchemaVersion: async () => notReopenable('setSchemaVersion'),
    cleanup: async () => {
      await Promise.allSettled(opened.map((s) => s.close()));
      opened = [];
    },
  };
}
