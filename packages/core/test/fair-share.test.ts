import type { WorkerInfo } from '../src/storage.js';
import { describe, expect, it } from 'vitest';
import { fairShareOf } from '../src/worker/fair-share.js';

const worker = (id: string, concurrency = 10): WorkerInfo => ({ id, queue: 'q', host: 'h', pid: 1, concurrency, startedAt: 0, lastSeenAt: 0 });
const fleet = (n: number, concurrency = 10) => Array.from({ length: n }, (_, i) => worker(`w${i}`, concurrency));
const shares = (limit: number | null, live: WorkerInfo[], turn = 0) => live.map((w) => fairShareOf(limit, w, live, turn));

describe('fairShareOf', () => {
  it('holds nothing back without a limit, or when the live slots fit within it', () => {
    expect(shares(null, fleet(4))).toEqual([null, null, null, null]);
    expect(shares(40, fleet(4))).toEqual([null, null, null, null]);
    expect(shares(25, fleet(2))).toEqual([null, null]);
  });

  it('4 × 10 under 25: shares of 7, 6, 6, 6 that add up to the limit exactly', () => {
    const s = shares(25, fleet(4)) as number[];
    expect([...s].sort()).toEqual([6, 6, 6, 7]);
    expect(s.reduce((a, b) => a + b, 0)).toBe(25);
  });

  it('the odd slots move round every worker as the turn moves on', () => {
    const live = fleet(4);
    const extra = [0, 1, 2, 3].map((turn) => shares(25, live, turn).indexOf(7));
    expect(new Set(extra).size).toBe(4);
  });

  it('more workers than the limit: each turn hands the limit out one slot each, and every worker gets turns', () => {
    const live = fleet(30);
    const got = new Set<number>();
    for (let turn = 0; turn < 30; turn++) {
      const s = shares(25, live, turn) as number[];
      expect(s.reduce((a, b) => a + b, 0)).toBe(25);
      s.forEach((n, i) => {
        if (n > 0) got.add(i);
      });
    }
    expect(got.size).toBe(30);
  });

  it('shares follow concurrency, and never pass it', () => {
    const live = [worker('a', 1), worker('b', 10), worker('c', 30)];
    const s = shares(20, live) as number[];
    expect(s.reduce((a, b) => a + b, 0)).toBe(20);
    s.forEach((n, i) => {
      expect(n).toBeLessThanOrEqual(live[i]?.concurrency ?? 0);
    });
    expect(s[2]).toBeGreaterThan(s[1] as number);
  });

  it('counts a worker missing from the live list (its registration not read yet)', () => {
    const others = fleet(3);
    expect(fairShareOf(25, worker('new'), others)).toBeLessThanOrEqual(7);
    expect(fairShareOf(25, worker('new'), others)).toBeGreaterThanOrEqual(6);
  });
});
