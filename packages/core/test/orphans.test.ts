import { describe, expect, it } from 'vitest';
import type { JobRecord, SettleParams, Storage } from '../src/index.js';
import { OrphanWatch } from '../src/worker/orphans.js';

function fake(job: Partial<JobRecord>) {
  const settles: SettleParams[] = [];
  const storage = {
    getJob: async () => ({ id: 'j', queue: 'q', state: 'running', workerId: 'w', leaseToken: 't', ...job }) as JobRecord,
    settle: async (p: SettleParams) => {
      settles.push(p);
      return { settled: [], lost: [], claimed: [] };
    },
  } as unknown as Storage;
  return { storage, settles };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('OrphanWatch', () => {
  it('releases a job renewed under this worker but unknown to it at two beats in a row', async () => {
    const { storage, settles } = fake({});
    const watch = new OrphanWatch(
      storage,
      'q',
      'w',
      () => 5,
      () => undefined,
    );
    watch.check(['j'], false, () => false);
    await tick();
    expect(settles).toEqual([]);
    watch.check(['j'], false, () => false);
    await tick();
    expect(settles).toEqual([{ queue: 'q', now: 5, released: [{ id: 'j', leaseToken: 't' }] }]);
  });

  it('never releases a job the worker knows, nor while a step (a claim) is in flight, nor one now elsewhere', async () => {
    const known = fake({});
    const a = new OrphanWatch(
      known.storage,
      'q',
      'w',
      () => 5,
      () => undefined,
    );
    a.check(['j'], false, () => true);
    a.check(['j'], false, () => true);
    const inFlight = fake({});
    const b = new OrphanWatch(
      inFlight.storage,
      'q',
      'w',
      () => 5,
      () => undefined,
    );
    b.check(['j'], false, () => false);
    b.check(['j'], true, () => false);
    b.check(['j'], false, () => false);
    const moved = fake({ workerId: 'other' });
    const c = new OrphanWatch(
      moved.storage,
      'q',
      'w',
      () => 5,
      () => undefined,
    );
    c.check(['j'], false, () => false);
    c.check(['j'], false, () => false);
    await tick();
    expect([known.settles, inFlight.settles, moved.settles]).toEqual([[], [], []]);
  });
});
