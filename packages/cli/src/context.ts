/**
 * What every command starts from: the storage (opened once, closed at the end) and a queue that
 * must already exist (the CLI never creates one by naming it).
 * @module
 */
import { Queue, type Storage, ValidationError } from '@waitline/core';
import type { Out } from './output.js';
import { openStorage, parseStorage } from './storage-url.js';

/** A failure the CLI reports with a code of its own (exit 1). */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path: ReadonlyArray<string | number> = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The options every command takes. */
export interface GlobalOptions {
  storage?: string;
  json?: boolean;
}

/** A command's view of the world. */
export interface Ctx {
  storage: Storage;
  out: Out;
  json: boolean;
  /** The named queue; `QUEUE_NOT_FOUND` when the storage has none by that name. */
  queue(name: string): Promise<Queue>;
}

/** Opens the storage `options` name, runs `fn`, and closes the storage whatever happens. */
export async function withContext<T>(options: GlobalOptions, out: Out, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const spec = parseStorage(options.storage ?? process.env.WAITLINE_STORAGE);
  const storage = await openStorage(spec);
  const ctx: Ctx = {
    storage,
    out,
    json: options.json === true,
    async queue(name) {
      if (name.trim() === '') throw new ValidationError('a queue name is required', [{ path: ['queue'], message: 'empty' }]);
      if ((await storage.getQueue(name)) === null) throw new CliError('QUEUE_NOT_FOUND', `no queue named "${name}" in this storage`, ['queue']);
      return new Queue(storage, name);
    },
  };
  try {
    return await fn(ctx);
  } finally {
    await storage.close();
  }
}
