import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { Queue } from '../src/queue.js';
import { exportJobs } from '../src/transfer/export.js';

/** A storage whose `listJobs` limits are recorded, with `count` jobs of `bytes`-character payloads in queue `q`. */
async function storageOf(count: number, bytes: number): Promise<{ storage: MemoryStorage; limits: number[] }> {
  const storage = new MemoryStorage();
  const queue = new Queue(storage, 'q');
  const blob = 'x'.repeat(bytes);
  for (let i = 0; i < count; i += 100) await queue.addBulk(Array.from({ length: Math.min(100, count - i) }, (_, k) => ({ payload: { i: i + k, blob } })));
  const limits: number[] = [];
  const list = storage.listJobs.bind(storage);
  storage.listJobs = (p) => {
    if (p.order === 'asc') limits.push(p.limit ?? 0);
    return list(p);
  };
  return { storage, limits };
}

async function exportedJobs(storage: MemoryStorage, options: { pageChars?: number } = {}): Promise<number[]> {
  const seen: number[] = [];
  for await (const line of exportJobs(storage, options)) {
    const value = JSON.parse(line) as { type: string; payload?: { i: number } };
    if (value.type === 'job') seen.push(value.payload!.i);
  }
  return seen;
}

describe('export pages', () => {
  it('reads large payloads a few at a time: no page asks for more than pageChars holds', async () => {
    // 1 MiB payloads: 500 of them, one page as before, would be 500 MiB of records at once.
    const { storage, limits } = await storageOf(60, 1024 * 1024);
    const seen = await exportedJobs(storage, { pageChars: 4 * 1024 * 1024 });
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(limits[0]).toBeLessThanOrEqual(16);
    // Once a page's size per job is known, the next pages hold what fits in 4 MiB: 3 jobs of 1 MiB and their JSON.
    for (const limit of limits.slice(1)) expect(limit).toBeLessThanOrEqual(3);
  });

  it('reads small jobs in growing pages, up to pageSize', async () => {
    const { storage, limits } = await storageOf(1_500, 10);
    expect(await exportedJobs(storage)).toHaveLength(1_500);
    expect(limits).toEqual([16, 32, 64, 128, 256, 500, 500, 500]);
  });
});
