/**
 * Waitline-Postgres: `PostgresStorage.open({ connectionString, schema })` (open creates and
 * migrates the schema; the runner drops it afterwards), then exactly what Waitline-SQLite does.
 * The package is imported at run time, so the bench builds and runs while it does not exist yet:
 * its absence skips this system with a note. The runner counts its connections from outside.
 */
import type { Storage } from '@waitline/core';
import { placeOf } from '../places.js';
import type { SystemFactory } from './types.js';
import { createWaitline } from './waitline.js';

/** The part of `@waitline/postgres` the bench uses. */
interface PostgresModule {
  PostgresStorage: { open(opts: { connectionString: string; schema: string; settleCommit?: 'sync' | 'async' }): Promise<Storage> };
}

const SPECIFIER = '@waitline/postgres';

export async function loadPostgresModule(): Promise<PostgresModule> {
  const mod = (await import(SPECIFIER)) as Partial<PostgresModule>;
  if (typeof mod.PostgresStorage?.open !== 'function') throw new Error(`${SPECIFIER} has no PostgresStorage.open`);
  return mod as PostgresModule;
}

export const createWaitlinePostgres =
  (mod: PostgresModule): SystemFactory =>
  (opts) =>
    createWaitline(
      {
        id: 'waitline-postgres',
        name: 'Waitline-Postgres',
        family: 'postgres',
        openNote: 'PostgresStorage.open({ connectionString, schema }) with its defaults (pool size: package default)',
        open: (place) => {
          const { connectionString, schema } = placeOf(place, 'postgres');
          return mod.PostgresStorage.open({ connectionString, schema });
        },
      },
      opts,
    );

/**
 * The same with `settleCommit: 'async'` (settles commit without waiting for their WAL flush), and
 * with `prefetch` jobs held ahead by each worker when given (the tuned row).
 */
export const createWaitlinePostgresAsync =
  (mod: PostgresModule, prefetch?: number): SystemFactory =>
  (opts) =>
    createWaitline(
      {
        id: prefetch ? 'waitline-postgres-tuned' : 'waitline-postgres-async',
        name: prefetch ? `Waitline-Postgres (tuned: async settles, prefetch ${prefetch})` : "Waitline-Postgres (settleCommit 'async')",
        family: 'postgres',
        ...(prefetch ? { prefetch } : {}),
        openNote:
          "PostgresStorage.open({ connectionString, schema, settleCommit: 'async' }): settles (outcome + next claim) commit with synchronous_commit off" +
          (prefetch ? `; Worker({ concurrency, prefetch: ${prefetch} }): each worker holds ${prefetch} jobs ahead of its free slots` : ''),
        open: (place) => {
          const { connectionString, schema } = placeOf(place, 'postgres');
          return mod.PostgresStorage.open({ connectionString, schema, settleCommit: 'async' });
        },
      },
      opts,
    );
