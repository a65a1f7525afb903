import { describeStorageContract } from '@waitline/storage-contract';
import { createRedisHarness } from './harness.js';
import { missingServer, ping, SERVER } from './servers.js';

if (await ping(SERVER.host, SERVER.port)) {
  describeStorageContract(createRedisHarness('redis', SERVER), {
    multiProcess: { processes: 4, concurrencyPerProcess: 10, jobs: 10_000, queueConcurrency: 25 },
  });
} else {
  missingServer('Redis at 127.0.0.1:6379', 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no');
}
