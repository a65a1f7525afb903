// Smoke test of the packed tarballs, as an app installed from npm would use them (ESM, SQLite).
import { Queue, Worker } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';

const storage = await SqliteStorage.open({ path: './esm.db' });
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
if (result.doubled !== 40) throw new Error(`bad result ${JSON.stringify(result)}`);
console.log('ESM on SQLite: ok');
