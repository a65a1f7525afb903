/**
 * Waitline-SQLite: `SqliteStorage.open({ path })` with its defaults on a fresh temp file; and the
 * same with each worker holding `prefetch` jobs ahead of its free slots (an opt-in Worker option).
 */
import { SqliteStorage } from '@waitline/sqlite';
import { placeOf } from '../places.js';
import type { SystemFactory } from './types.js';
import { createWaitline } from './waitline.js';

/** The defaults row, or with `prefetch` the row of a worker holding that many jobs ahead. */
export const createWaitlineSqlite =
  (prefetch?: number): SystemFactory =>
  (opts) =>
    createWaitline(
      {
        id: prefetch ? 'waitline-sqlite-prefetch' : 'waitline-sqlite',
        name: prefetch ? `Waitline-SQLite (prefetch ${prefetch})` : 'Waitline-SQLite',
        family: 'sqlite',
        ...(prefetch ? { prefetch } : {}),
        openNote:
          'SqliteStorage.open({ path }) with its defaults' +
          (prefetch ? `; Worker({ concurrency, prefetch: ${prefetch} }): each worker holds ${prefetch} jobs ahead of its free slots` : ''),
        open: (place) => SqliteStorage.open({ path: placeOf(place, 'sqlite').path }),
      },
      opts,
    );
