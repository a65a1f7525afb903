/**
 * The whole storage contract against a local 3-master Redis Cluster, started here (redis-server in
 * cluster mode on loopback ports, joined with `redis-cli --cluster create`) and stopped after. Every
 * script touches one queue's keys, which share the hash tag `{prefix:queue}`: a script that reached
 * another slot would fail here with CROSSSLOT.
 */
import { describeStorageContract } from '@waitline/storage-contract';
import { afterAll } from 'vitest';
import { createRedisHarness } from './harness.js';
import { missingServer, ping, startLocalCluster } from './servers.js';

/** The first of three ports; moved up while something already answers there. */
async function freeBasePort(start: number): Promise<number> {
  let base = start;
  while ((await Promise.all([0, 1, 2].map((i) => ping('127.0.0.1', base + i, 200)))).some(Boolean)) base += 10;
  return base;
}

const cluster = await startLocalCluster(await freeBasePort(7301));
if (cluster) {
  afterAll(() => cluster.stop());
  describeStorageContract(createRedisHarness('redis-cluster', { cluster: cluster.nodes }));
} else {
  missingServer('redis-server and redis-cli (for a local Redis Cluster)', 'apt-get install redis-server');
}
