// Smoke test of the packed tarballs, as an app installed from npm would use them (ESM, SQLite),
// with the app's own better-sqlite3 connection (the driver is a peer dependency).
import { Queue, Worker } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import Database from 'better-sqlite3';

const database = new Database('./esm.db');
const storage = await SqliteStorage.open({ database });
const queue = new Queue(storage, 'smoke');
const job = await queue.add({ n: 20 }, { size: 2 });
const status = await job.status();
if (status.position !== 1) throw new Error(`expected position 1, got ${status.position}`);
const worker = new Worker(queue, async (j, { progress }) => {
  await progress({ percent: 50, stage: 'half' });
  return { doubled: j.payload.n * 2 };
});
const result = await job.finished({ timeoutMs: 20_000 });
await worker.close();
await storage.close();
if (!database.open) throw new Error("the storage closed the app's own database");
database.close();
if (result.doubled !== 40) throw new Error(`bad result ${JSON.stringify(result)}`);
console.log('ESM on SQLite: ok');
