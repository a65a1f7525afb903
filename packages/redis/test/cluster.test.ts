/**
 * The whole storage contract against a local 3-master Redis Cluster, started here (redis-server in
 * cluster mode on loopback ports, joined with `redis-cli --cluster create`) and stopped after. Every
 * script touches one queue's keys, which share the hash tag `{prefix:queue}`: a script that reached
 * another slot would fail here with CROSSSLOT.
 */
import { describeStorageContract } from '@waitline/storage-contract';
import { afterAll, describe, expect, it } from 'vitest';
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
  const harness = createRedisHarness('redis-cluster', { cluster: cluster.nodes });
  describeStorageContract(harness);

  describe('redis-cluster: notices', () => {
    it("one process's notices reach another process in publication order", async () => {
      const publisher = await harness.create();
      const listener = await harness.open(publisher.describe());
      const heard: number[] = [];
      let subscribed = false;
      // remote: events of other processes are published only for such subscribers (a QueueEvents).
      const off = listener.notifier?.subscribe(
        'q',
        (n) => {
          if (n.kind === 'event') heard.push(n.data as number);
          else if (n.kind === 'changed') subscribed = true; // sent once the server confirms the SUBSCRIBE
        },
        { remote: true },
      );
      // Subscribed (on a new cluster connection: slow on a loaded machine), and so registered as a
      // remote listener too: that write went out at once, the SUBSCRIBE only once its connection was up.
      const by = Date.now() + 10_000;
      while (!subscribed && Date.now() < by) await new Promise((r) => setTimeout(r, 10));
      const sent = Array.from({ length: 300 }, (_, i) => i);
      for (const n of sent) publisher.notifier?.publish({ queue: 'q', kind: 'event', event: 'job:progress', data: n });
      const deadline = Date.now() + 5_000;
      while (heard.length < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      off?.();
      expect(heard).toEqual(sent);
    });
  });
} else {
  missingServer('redis-server and redis-cli (for a local Redis Cluster)', 'apt-get install redis-server');
}
