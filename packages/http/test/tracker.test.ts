/**
 * Many job streams at a bounded cost, on every storage: as jobs ahead are claimed, every stream
 * sees its exact position (read as a cheap index count), while full status reads (the ETA's
 * inputs) stay far below one per stream per change.
 */
import { Queue, type Storage, Worker } from '@waitline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventStream, openStream, type Served, serve, until } from './serve.js';
import { testStorages } from './storages.js';

for (const kind of await testStorages()) {
  describe(`job streams at scale on ${kind.name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let served: Served;
    let q: Queue<{ n: number }>;
    const reads = { status: 0, position: 0 };

    beforeAll(async () => {
      ({ storage, cleanup } = await kind.open());
      q = new Queue(storage, 'many');
      const getStatus = q.getStatus.bind(q);
      const getPosition = q.getPosition.bind(q);
      q.getStatus = (id) => {
        reads.status++;
        return getStatus(id);
      };
      q.getPosition = (id) => {
        reads.position++;
        return getPosition(id);
      };
      served = await serve({ queues: [q] });
    });
    afterAll(async () => {
      await served?.close();
      await cleanup?.();
    });

    it('keeps 40 streams’ positions exact through 10 claims with few full reads', async () => {
      const jobs = await q.addBulk(Array.from({ length: 50 }, (_, n) => ({ payload: { n } })));
      const watched = jobs.slice(10);
      const streams: EventStream[] = await Promise.all(watched.map((j) => openStream(`${served.url}/jobs/many/${j.id}/events`)));
      await Promise.all(streams.map((s, i) => s.next((e) => e.data.position === i + 11)));
      const before = { ...reads };
      const startedAt = Date.now();
      let gate!: () => void;
      let claimed = 0;
      const w = new Worker(
        q,
        async (job) => {
          claimed++;
          if (job.payload.n === 9) await new Promise<void>((r) => (gate = r));
        },
        { concurrency: 1 },
      );
      await until(() => claimed === 10, 30_000, 'ten claims');
      await Promise.all(streams.map((s, i) => s.next((e) => e.data.position === i + 1, 30_000)));
      const fullReads = reads.status - before.status;
      // One full read per stream per claim would be 400; the old design made 80 (coalesced). Each
      // stream's ETA is also re-read every 5 s (etaRefreshMs): on a loaded machine where the ten
      // claims take longer, those reads are allowed for, and only they.
      const etaRereads = watched.length * Math.floor((Date.now() - startedAt) / 5_000);
      expect(fullReads).toBeLessThan(watched.length + etaRereads);
      expect(reads.position - before.position).toBeGreaterThan(0);
      for (const [i, s] of streams.entries()) {
        const positions = s.events.map((e) => e.data.position as number);
        expect(positions).toEqual([...positions].sort((a, b) => b - a));
        expect(positions.at(-1)).toBe(i + 1);
        expect(await q.getPosition(watched[i]!.id)).toBe(i + 1);
        const last = s.events.at(-1)!.data;
        expect(last.state).toBe('queued');
        expect(last.eta).not.toBeNull();
      }
      gate();
      await w.close();
      for (const s of streams) s.close();
      await until(() => served.handler.openStreams === 0, 10_000, 'streams released');
      await q.clear();
    });
  });
}
