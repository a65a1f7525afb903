import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { compareCodePoints } from '../src/memory/group-list.js';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { Queue } from '../src/queue.js';

describe('Queue.listGroups', () => {
  it('pages the named groups with their counts, 100 a page unless told', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings');
    await queue.addBulk(Array.from({ length: 120 }, (_, i) => ({ payload: { i }, options: { group: `t${String(i).padStart(3, '0')}` } })));
    await queue.add({ i: -1 });
    const first = await queue.listGroups();
    expect([first.items.length, first.items[0], first.nextAfter]).toEqual([100, { group: 't000', ready: 1, scheduled: 0, running: 0, weight: 1 }, 't099']);
    const rest = await queue.listGroups({ after: 't099', limit: 50 });
    expect([rest.items.length, rest.items.at(-1)?.group, rest.nextAfter]).toEqual([20, 't119', null]);
    await storage.close();
  });

  it.each([
    [{ limit: 0 }, ['options', 'limit']],
    [{ limit: 1_001 }, ['options', 'limit']],
    [{ after: '' }, ['options', 'after']],
    [{ after: 'a\u0007' }, ['options', 'after']],
    [{ other: 1 }, ['options']],
  ])('refuses %o at %o', async (options, path) => {
    const queue = new Queue(new MemoryStorage(), 'q');
    await expect(queue.listGroups(options as never)).rejects.toMatchObject({ code: 'VALIDATION', path });
  });

  it('is refused on a storage without the groups capability', async () => {
    class Ungrouped extends MemoryStorage {
      override readonly capabilities = { ...new MemoryStorage().capabilities, groups: false };
    }
    await expect(new Queue(new Ungrouped(), 'q').listGroups()).rejects.toBeInstanceOf(ValidationError);
  });

  it('orders names by code point, as an index on UTF-8 bytes does', () => {
    const names = ['\u{1F600}', '\uFFFD', 'b', 'B', 'ab', 'a'];
    // By code unit, the emoji (a surrogate pair, 0xD83D…) would sort before U+FFFD.
    expect([...names].sort(compareCodePoints)).toEqual(['B', 'a', 'ab', 'b', '\uFFFD', '\u{1F600}']);
    expect([...names].sort()).not.toEqual([...names].sort(compareCodePoints));
  });
});
