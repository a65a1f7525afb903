/**
 * Scenario 6: SQLite producers killed with SIGKILL in the middle of add bursts, while a worker
 * process drains the same file. After each round: `PRAGMA integrity_check` says ok, and every
 * add a producer had acknowledged (reported over IPC the moment `add` resolved) is in the file.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from '@waitline/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { recordFigures } from '../src/figures.js';
import { Fleet, stopAllFleets } from '../src/fleet.js';
import { SIZES } from '../src/scale.js';
import { sqliteTarget } from '../src/targets.js';

const ROUNDS = SIZES.sqliteKillRounds;
const PRODUCERS = 2;
const target = sqliteTarget();
afterAll(async () => {
  await stopAllFleets();
  await target.destroy();
});

/** Starts a producer; resolves once it has added for `runMs`, then SIGKILLs it. Returns the acknowledged ids. */
async function burst(descriptor: unknown, runMs: number): Promise<string[]> {
  const script = fileURLToPath(new URL('../src/children/add-burst.mjs', import.meta.url));
  const child = fork(script, [JSON.stringify({ descriptor, queue: 'burst', bulk: 25 })], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const acked: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type: string; ids?: string[] }) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'ack') acked.push(...(m.ids ?? []));
    });
    child.once('exit', (code) => reject(new Error(`producer exited early (${code})`)));
  });
  await new Promise((r) => setTimeout(r, runMs));
  child.kill('SIGKILL');
  await exited;
  return acked;
}

describe('sqlite: kill -9 during add bursts', () => {
  it(`${ROUNDS} rounds × ${PRODUCERS} producers killed mid-burst: integrity ok, no acknowledged add lost`, async () => {
    const storage = await target.fresh();
    const path = String(storage.describe().options.path);
    const queue = new Queue(storage, 'burst');
    await queue.ready();
    const fleet = new Fleet(storage.describe());
    await fleet.spawn([{ queue: 'burst', handlerMs: 1, workerOptions: { concurrency: 5 } }]);
    await fleet.go();
    const acked: string[] = [];
    const integrity: string[] = [];
    let missing: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const ids = await Promise.all(Array.from({ length: PRODUCERS }, (_, i) => burst(storage.describe(), 300 + 200 * i + 100 * round)));
        acked.push(...ids.flat());
        const db = new Database(path, { readonly: true, fileMustExist: true });
        try {
          integrity.push(String(db.pragma('integrity_check', { simple: true })));
          const present = new Set((db.prepare('SELECT id FROM jobs').all() as Array<{ id: string }>).map((r) => r.id));
          missing = acked.filter((id) => !present.has(id));
        } finally {
          db.close();
        }
      }
    } finally {
      await fleet.stop();
    }
    const figures = {
      rounds: ROUNDS,
      producersKilled: ROUNDS * PRODUCERS,
      acknowledged: acked.length,
      lostAcknowledged: missing.length,
      integrity: [...new Set(integrity)],
    };
    recordFigures('sqlite kill -9 during add bursts', 'sqlite', figures);
    expect(acked.length).toBeGreaterThan(0);
    expect(integrity.every((r) => r === 'ok')).toBe(true);
    expect(missing).toEqual([]);
  });
});
