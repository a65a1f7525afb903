// Smoke test of the packed tarballs from CommonJS (require), on SQLite.
const { Queue, Worker } = require('@waitline/core');
const { SqliteStorage } = require('@waitline/sqlite');

(async () => {
  const storage = await SqliteStorage.open({ path: './cjs.db' });
  const queue = new Queue(storage, 'smoke');
  const job = await queue.add({ n: 21 });
  const worker = new Worker(queue, async (j) => ({ doubled: j.payload.n * 2 }));
  const result = await job.finished({ timeoutMs: 20_000 });
  await worker.close();
  await storage.close();
  if (result.doubled !== 42) throw new Error(`bad result ${JSON.stringify(result)}`);
  console.log('CommonJS on SQLite: ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
