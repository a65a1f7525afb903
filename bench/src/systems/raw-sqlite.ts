/**
 * The floor: plain better-sqlite3 doing the minimal statements a queue needs (insert; claim
 * update; complete update) with the same pragmas as the others (WAL, synchronous NORMAL).
 * Idle workers wake on an in-process signal from the insert (plus a slow safety poll), which is
 * the cheapest possible hand-off, so S5 here is a lower bound rather than a fair peer.
 */
import Database from 'better-sqlite3';
import { placeOf } from '../places.js';
import type { BenchSystem, JobRef, Payload, Place, SystemFactory, WorkerHandle, WorkerOptions } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  status INTEGER NOT NULL DEFAULT 0,
  payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status_id ON jobs (status, id);
`;

export const createRawSqlite: SystemFactory = () => {
  let db: Database.Database | undefined;
  let insert: Database.Statement<[string]>;
  let claim: Database.Statement<[], { id: number; payload: string }>;
  let complete: Database.Statement<[number]>;
  let insertMany: (payloads: Payload[]) => JobRef[];
  const waiters = new Set<() => void>();

  const wake = (): void => {
    for (const w of waiters) w();
    waiters.clear();
  };

  const system: BenchSystem = {
    id: 'raw-sqlite',
    family: 'sqlite',
    name: 'raw better-sqlite3',
    bulk: 'transaction',
    notes: [
      'one table + (status, id) index; insert / UPDATE … RETURNING claim / UPDATE complete',
      'WAL, synchronous=NORMAL; bulk = inserts in one transaction',
      'idle workers woken in-process by the insert (safety poll 50 ms)',
    ],

    async setup(place: Place) {
      const dbPath = placeOf(place, 'sqlite').path;
      db = new Database(dbPath);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      insert = db.prepare('INSERT INTO jobs (payload) VALUES (?)');
      claim = db.prepare('UPDATE jobs SET status = 1 WHERE id = (SELECT id FROM jobs WHERE status = 0 ORDER BY id LIMIT 1) RETURNING id, payload');
      complete = db.prepare('UPDATE jobs SET status = 2 WHERE id = ?');
      insertMany = db.transaction((payloads: Payload[]) => payloads.map((p) => Number(insert.run(JSON.stringify(p)).lastInsertRowid)));
    },

    async addOne(payload: Payload) {
      const id = Number(insert.run(JSON.stringify(payload)).lastInsertRowid);
      wake();
      return id;
    },

    async addBulk(payloads: Payload[]) {
      const ids = insertMany(payloads);
      wake();
      return ids;
    },

    async startWorker({ concurrency, handler, onCompleted }: WorkerOptions): Promise<WorkerHandle> {
      let running = true;
      const loop = async (): Promise<void> => {
        while (running) {
          const row = claim.get();
          if (!row) {
            await new Promise<void>((resolve) => {
              const t = setTimeout(() => {
                waiters.delete(done);
                resolve();
              }, 50);
              const done = (): void => {
                clearTimeout(t);
                resolve();
              };
              waiters.add(done);
            });
            continue;
          }
          JSON.parse(row.payload);
          await handler();
          complete.run(row.id);
          onCompleted();
        }
      };
      const loops = Array.from({ length: concurrency }, loop);
      return {
        async stop() {
          running = false;
          wake();
          await Promise.all(loops);
        },
      };
    },

    async teardown() {
      db?.close();
      db = undefined;
    },
  };
  return system;
};
