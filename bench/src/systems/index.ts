/** The systems, loaded lazily so one that fails to import does not stop the others. */
import type { BenchSystem, SystemOptions } from './types.js';

export const SYSTEM_IDS = ['waitline', 'plainjob', 'liteque', 'raw'] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

export const SYSTEM_NAMES: Record<SystemId, string> = {
  waitline: 'Waitline-SQLite',
  plainjob: 'plainjob 0.0.14',
  liteque: 'liteque 0.8.0',
  raw: 'raw better-sqlite3',
};

export async function loadSystem(id: SystemId, opts: SystemOptions): Promise<BenchSystem> {
  switch (id) {
    case 'waitline':
      return (await import('./waitline-sqlite.js')).createWaitlineSqlite(opts);
    case 'plainjob':
      return (await import('./plainjob.js')).createPlainjob(opts);
    case 'liteque':
      return (await import('./liteque.js')).createLiteque(opts);
    case 'raw':
      return (await import('./raw-sqlite.js')).createRawSqlite(opts);
  }
}
