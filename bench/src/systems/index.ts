/**
 * The systems, by family, loaded lazily so one that fails to import (a peer, or a Waitline storage
 * package not built yet) is skipped with a note instead of stopping the others.
 */
import type { Family } from '../places.js';
import type { BenchSystem, SystemOptions } from './types.js';

interface Entry {
  name: string;
  family: Family;
  load: () => Promise<(opts: SystemOptions) => BenchSystem>;
}

const REGISTRY = {
  'waitline-sqlite': {
    name: 'Waitline-SQLite',
    family: 'sqlite',
    load: async () => (await import('./waitline-sqlite.js')).createWaitlineSqlite(),
  },
  'waitline-sqlite-prefetch': {
    name: 'Waitline-SQLite (prefetch 100)',
    family: 'sqlite',
    load: async () => (await import('./waitline-sqlite.js')).createWaitlineSqlite(100),
  },
  plainjob: { name: 'plainjob 0.0.14', family: 'sqlite', load: async () => (await import('./plainjob.js')).createPlainjob },
  liteque: { name: 'liteque 0.8.0', family: 'sqlite', load: async () => (await import('./liteque.js')).createLiteque },
  'raw-sqlite': {
    name: 'raw better-sqlite3',
    family: 'sqlite',
    load: async () => (await import('./raw-sqlite.js')).createRawSqlite,
  },
  'waitline-postgres': {
    name: 'Waitline-Postgres',
    family: 'postgres',
    load: async () => {
      const m = await import('./waitline-postgres.js');
      return m.createWaitlinePostgres(await m.loadPostgresModule());
    },
  },
  'waitline-postgres-async': {
    name: "Waitline-Postgres (settleCommit 'async')",
    family: 'postgres',
    load: async () => {
      const m = await import('./waitline-postgres.js');
      return m.createWaitlinePostgresAsync(await m.loadPostgresModule());
    },
  },
  'waitline-postgres-tuned': {
    name: 'Waitline-Postgres (tuned: async settles, prefetch 100)',
    family: 'postgres',
    load: async () => {
      const m = await import('./waitline-postgres.js');
      return m.createWaitlinePostgresAsync(await m.loadPostgresModule(), 100);
    },
  },
  'graphile-worker': {
    name: 'graphile-worker 0.17.3 (defaults)',
    family: 'postgres',
    load: async () => (await import('./graphile-worker.js')).createGraphileDefaults,
  },
  'graphile-worker-tuned': {
    name: 'graphile-worker 0.17.3 (tuned)',
    family: 'postgres',
    load: async () => (await import('./graphile-worker.js')).createGraphileTuned,
  },
  'pg-boss': {
    name: 'pg-boss 10.4.2 (defaults)',
    family: 'postgres',
    load: async () => (await import('./pg-boss.js')).createPgBossDefaults,
  },
  'pg-boss-tuned': {
    name: 'pg-boss 10.4.2 (tuned)',
    family: 'postgres',
    load: async () => (await import('./pg-boss.js')).createPgBossTuned,
  },
  'raw-pg': { name: 'raw pg', family: 'postgres', load: async () => (await import('./raw-pg.js')).createRawPg },
  'waitline-redis': {
    name: 'Waitline-Redis',
    family: 'redis',
    load: async () => {
      const m = await import('./waitline-redis.js');
      return m.createWaitlineRedis(await m.loadRedisModule());
    },
  },
  'waitline-redis-prefetch': {
    name: 'Waitline-Redis (prefetch 100)',
    family: 'redis',
    load: async () => {
      const m = await import('./waitline-redis.js');
      return m.createWaitlineRedis(await m.loadRedisModule(), 100);
    },
  },
  bullmq: { name: 'BullMQ 6.7.0', family: 'redis', load: async () => (await import('./bullmq.js')).createBullmq },
  'bee-queue': { name: 'bee-queue 2.0.0', family: 'redis', load: async () => (await import('./bee-queue.js')).createBeeQueue },
  'raw-redis': { name: 'raw ioredis', family: 'redis', load: async () => (await import('./raw-redis.js')).createRawRedis },
} satisfies Record<string, Entry>;

export type SystemId = keyof typeof REGISTRY;
export const SYSTEM_IDS = Object.keys(REGISTRY) as SystemId[];

export const systemName = (id: SystemId): string => REGISTRY[id].name;
export const systemFamily = (id: SystemId): Family => REGISTRY[id].family as Family;

/** Waitline's own system in a family (ratios are against the other rows). */
export const isWaitline = (id: string): boolean => id.startsWith('waitline-');

export async function loadSystem(id: SystemId, opts: SystemOptions): Promise<BenchSystem> {
  const factory = await REGISTRY[id].load();
  return factory(opts);
}

/**
 * `--systems` tokens: an exact id, or a prefix before a dash (`waitline` = every Waitline system,
 * `raw` = every floor, `graphile-worker` = both graphile rows, `pg-boss` = both pg-boss rows).
 */
export function matchSystems(tokens: string[]): SystemId[] {
  const lower = tokens.map((t) => t.toLowerCase());
  for (const t of lower) {
    if (!SYSTEM_IDS.some((id) => id === t || id.startsWith(`${t}-`))) {
      throw new Error(`unknown system "${t}" (have: ${SYSTEM_IDS.join(', ')})`);
    }
  }
  return SYSTEM_IDS.filter((id) => lower.some((t) => id === t || id.startsWith(`${t}-`)));
}
