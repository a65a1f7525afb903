// Smoke test of the packed tarballs on Postgres and Redis (ESM), each through the app's own
// client (a pg Pool; an ioredis client on database 3): a job added and run on each, in a schema /
// key prefix of its own, removed afterwards.
import { Queue, Worker } from '@waitline/core';
import { PostgresStorage } from '@waitline/postgres';
import { RedisStorage } from '@waitline/redis';
import { Redis } from 'ioredis';
import pgDriver from 'pg';

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

const pool = new pgDriver.Pool({ connectionString: process.env.WAITLINE_PG_URL });
const pg = await PostgresStorage.open({ pool, schema: tag });
try {
  await roundTrip(pg, 'Postgres');
} finally {
  await pg.close();
  await pool.query(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`);
  await pool.end();
}

const client = new Redis({ host: '127.0.0.1', port: 6379, db: 3 });
const redis = await RedisStorage.open({ connection: client, prefix: tag, checkServer: false });
try {
  await roundTrip(redis, 'Redis');
  if ((await client.keys(`{${tag}*`)).length === 0) throw new Error("Redis: the jobs are not in the app's database 3");
} finally {
  await redis.close();
  for (const pattern of [`${tag}*`, `{${tag}*`]) {
    const keys = await client.keys(pattern);
    if (keys.length > 0) await client.del(...keys);
  }
  client.disconnect();
}
