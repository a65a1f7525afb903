/**
 * What the Redis group tests share: storages on fresh prefixes of the test server (closed and
 * their keys deleted after the file), a raw client to read the keys, and named jobs.
 */
import { randomBytes } from 'node:crypto';
import type { NewJob, Storage } from '@waitline/core';
import { newJob } from '@waitline/storage-contract';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { RedisStorage } from '../dist/index.js';
import { deleteKeys } from './harness.js';
import { ping, SERVER } from './servers.js';

/** The test server for one test file. */
export interface GroupServer {
  /** Whether the server answered; the file's tests skip without it. */
  available: boolean;
  /** A raw client (null when the server is down). */
  raw: Redis | null;
  /** A storage on a fresh prefix, and the hash tag of its queue `q`'s keys. */
  fresh(): Promise<{ s: RedisStorage; tag: string }>;
}

/** Opens the server for a test file whose prefixes start with `wl-<name>-`; cleans up after the file. */
export async function groupServer(name: string): Promise<GroupServer> {
  const available = await ping(SERVER.host, SERVER.port);
  const base = `wl-${name}-${randomBytes(4).toString('hex')}`;
  let counter = 0;
  const opened: Storage[] = [];
  const raw = available ? new Redis(SERVER) : null;
  afterAll(async () => {
    await Promise.allSettled(opened.map((s) => s.close()));
    if (raw === null) return;
    await deleteKeys(raw, [`${base}-*`, `{${base}-*`]);
    await raw.quit();
  });
  return {
    available,
    raw,
    async fresh() {
      const prefix = `${base}-${++counter}`;
      const s = await RedisStorage.open({ connection: SERVER, prefix, checkServer: false });
      opened.push(s);
      return { s, tag: `{${prefix}:q}` };
    },
  };
}

/** A job whose id and name are `name`, in `group`. */
export const named = (name: string, group: string | null, more: Partial<NewJob> = {}): NewJob => newJob({ id: name, name, group, ...more });
