/**
 * The set-up most single-storage HTTP tests share: a fresh SQLite storage opened before a file's
 * tests, and after them every server started through it closed, then the storage.
 */
import type { Storage } from '@waitline/core';
import { afterAll, beforeAll } from 'vitest';
import type { HandlerOptions } from '../src/index.js';
import { type Served, serve } from './serve.js';
import { type OpenedStorage, testStorages } from './storages.js';

/** A file's SQLite storage and the servers its tests start; both closed after the file's tests. */
export interface ServedSqlite {
  /** The storage (opened in `beforeAll`). */
  storage(): Storage;
  /** `serve(options)`, the server closed after the file's tests. */
  serve(options: HandlerOptions): Promise<Served>;
}

/** Registers the file's `beforeAll` (open) and `afterAll` (servers, then the storage) and returns the handles. */
export function useServedSqlite(): ServedSqlite {
  let opened: OpenedStorage | undefined;
  const servers: Served[] = [];
  beforeAll(async () => {
    const [sqlite] = await testStorages();
    opened = await sqlite!.open();
  });
  afterAll(async () => {
    for (const served of servers.splice(0)) await served.close();
    await opened?.cleanup();
  });
  return {
    storage() {
      if (!opened) throw new Error('useServedSqlite: the storage opens in beforeAll');
      return opened.storage;
    },
    async serve(options) {
      const served = await serve(options);
      servers.push(served);
      return served;
    },
  };
}
