/** Waitline-SQLite: `SqliteStorage.open({ path })` with its defaults on a fresh temp file. */
import { SqliteStorage } from '@waitline/sqlite';
import { placeOf } from '../places.js';
import type { SystemFactory } from './types.js';
import { createWaitline } from './waitline.js';

export const createWaitlineSqlite: SystemFactory = (opts) =>
  createWaitline(
    {
      id: 'waitline-sqlite',
      name: 'Waitline-SQLite',
      family: 'sqlite',
      openNote: 'SqliteStorage.open({ path }) with its defaults',
      open: (place) => SqliteStorage.open({ path: placeOf(place, 'sqlite').path }),
    },
    opts,
  );
