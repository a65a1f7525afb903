import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { buildNewJob } from '../src/new-job.js';
import { Queue } from '../src/queue.js';
import { waitingInClaimOrder } from '../src/waiting.js';

const defaults = { jobName: 'default', retry: { attempts: 3 }, timeoutMs: null, webhook: null, groups: true };

function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('the group option', () => {
  it('keeps a valid group and leaves it null when absent', () => {
    expect(buildNewJob(undefined, defaults, {}, { group: 'tenant-42' }, 0).group).toBe('tenant-42');
    expect(buildNewJob(undefined, defaults, {}, { group: '...' }, 0).group).toBe('...');
    expect(buildNewJob(undefined, defaults, {}, {}, 0).group).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['too long', 'g'.repeat(129)],
    ['a control character', 'a\nb'],
    ['a lone surrogate', 'a\ud800'],
    ['"." (a URL path step)', '.'],
    ['".." (a URL path step)', '..'],
    ['not a string', 42],
  ])('refuses a group that is %s, at options.group', (_, group) => {
    const err = rejection(() => buildNewJob(undefined, defaults, {}, { group }, 0, ['jobs', 1]));
    expect(err.issues[0]?.path).toEqual(['jobs', 1, 'options', 'group']);
  });

  it('is refused by a storage without the groups capability, and nothing is written', async () => {
    class Ungrouped extends MemoryStorage {
      override readonly capabilities = { ...new MemoryStorage().capabilities, groups: false };
    }
    const storage = new Ungrouped();
    const queue = new Queue(storage, 'q');
    await expect(queue.add({}, { group: 'a' })).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: ['options', 'group'] }] });
    expect((await queue.getStats()).counts.queued).toBe(0);
    await storage.close();
  });

  it("takes groups in turns through the queue: Bob waits behind one of Alice's five meetings", async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings');
    const alice = await queue.addBulk([1, 2, 3, 4, 5].map((n) => ({ payload: { user: 'alice', n }, options: { group: 'alice' } })));
    const bob = await queue.add({ user: 'bob' }, { group: 'bob' });
    expect(await queue.getPosition(bob.id)).toBe(2);
    expect(await queue.getPosition((alice[4] as (typeof alice)[number]).id)).toBe(6);
    expect((await queue.getJob(bob.id))?.group).toBe('bob');
    await storage.close();
  });

  it('waitingInClaimOrder lists a grouped queue in turns, as claims will take it', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings');
    await queue.addBulk(['a0', 'a1', 'a2'].map((name) => ({ payload: {}, options: { name, group: 'alice' } })));
    await queue.add({}, { name: 'b0', group: 'bob' });
    await queue.add({}, { name: 'u0' });
    await queue.add({}, { name: 'h0', group: 'bob', priority: 9 });
    const listed = await waitingInClaimOrder(queue, { now: Date.now() + 1 });
    expect(listed.map((j) => j.name)).toEqual(['h0', 'a0', 'b0', 'u0', 'a1', 'a2']);
    const claimed = await storage.claim({ queue: 'meetings', workerId: 'w', limit: 10, leaseMs: 1_000, now: Date.now() + 1 });
    expect(claimed.map((j) => j.name)).toEqual(listed.map((j) => j.name));
    await storage.close();
  });

  it('waitingInClaimOrder refuses a bad page before reading anything', async () => {
    const queue = new Queue(new MemoryStorage(), 'pages');
    const refused = async (page: object, path: Array<string | number>) =>
      expect(waitingInClaimOrder(queue, page as never)).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path }] });
    await refused({ now: 1.5 }, ['options', 'now']);
    await refused({ now: 1, offset: 100_001 }, ['options', 'offset']);
    await refused({ now: 1, limit: 0 }, ['options', 'limit']);
    await refused({ now: 1, limit: 1_001 }, ['options', 'limit']);
  });
});
