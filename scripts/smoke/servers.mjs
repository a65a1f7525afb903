// Smoke test of the packed tarballs on Postgres and Redis (ESM): a job added and run on each,
// in a schema / key prefix of its own, removed afterwards.
import { Queue, Worker } from '@waitline/core';
import { PostgresStorage } from '@waitline/postgres';
import { RedisStorage } from '@waitline/redis';

const tag = `smoke${process.pid}${Date.now().toString(36)}`;

async function roundTrip(storage, label) {
  const queue = new Queue(storage, 'smoke');
  const job = await queue.add({ n: 5 });
  const worker = new Worker(queue, async (j) => j.payload.n + 1);
  const result = await job.finished({ timeoutMs: 20_000 });
  await worker.close();
  if (result !== 6) throw new Error(`${label}: bad result ${result}`);
  console.log(`ESM on ${label}: ok`);
}

const pg = await PostgresStorage.open({ connectionString: process.env.WAITLINE_PG_URL, schema: tag });
try {
  await roundTrip(pg, 'Postgres');
} finally {
  await pg.close();
  const { default: pgDriver } = await import('pg');
  const client = new pgDriver.Client({ connectionString: process.env.WAITLINE_PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`);
  await client.end();
}

const redis = await RedisStorage.open({ connection: { host: '127.0.0.1', port: 6379 }, prefix: tag, checkServer: false });
try {
  await roundTrip(redis, 'Redis');
} finally {
  await redis.close();
  const { Redis } = await import('ioredis');
  const client = new Redis({ host: '127.0.0.1', port: 6379 });
  for (const pattern of [`${tag}*`, `{${tag}*`]) {
    const keys = await client.keys(pattern);
    if (keys.length > 0) await client.del(...keys);
  }
  client.disconnect();
}
