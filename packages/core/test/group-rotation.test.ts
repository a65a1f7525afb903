import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterServe, groupPosition, type GroupTurn, otherGroupBound, rotationOrder, roundsWithin, sortTurns, turnBefore } from '../src/group-rotation.js';

/** One level's state: each group's ready jobs (names like `b2`), its stamp, weight and used count. */
type Level = Array<GroupTurn & { jobs: string[] }>;

/** The claims the rule makes, one at a time: the first group's head, then `afterServe` (back of the line at its round's end). */
function simulateClaims(level: Level): string[] {
  const state = level.map((l) => ({ ...l, jobs: [...l.jobs] }));
  let next = Math.max(0, ...state.map((l) => l.turn)) + 1;
  const out: string[] = [];
  for (;;) {
    const first = sortTurns(state.filter((l) => l.jobs.length > 0))[0];
    if (first === undefined) return out;
    out.push(first.jobs.shift() as string);
    const served = afterServe(first);
    first.used = served.used;
    if (!served.keep) first.turn = next++;
  }
}

/** Levels of 1-5 groups with stamps, weights 1-4 and rounds already begun (used 0-5). */
const levelArb: fc.Arbitrary<Level> = fc
  .array(
    fc.record({
      size: fc.integer({ min: 0, max: 7 }),
      turn: fc.integer({ min: 0, max: 9 }),
      weight: fc.integer({ min: 1, max: 4 }),
      used: fc.integer({ min: 0, max: 5 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((groups) =>
    groups.map((g, i) => ({
      group: String.fromCharCode(97 + i),
      turn: g.turn,
      weight: g.weight,
      used: g.used,
      jobs: Array.from({ length: g.size }, (_, r) => `${String.fromCharCode(97 + i)}${r}`),
    })),
  );

describe('group rotation', () => {
  it('rotationOrder is the order of one-by-one claims, weights and rounds begun included', () => {
    fc.assert(
      fc.property(levelArb, (level) => {
        expect(rotationOrder(level)).toEqual(simulateClaims(level));
      }),
      { numRuns: 3_000 },
    );
  });

  it('groupPosition numbers every job as the claims take it, weights and rounds begun included', () => {
    fc.assert(
      fc.property(levelArb, fc.integer({ min: 0, max: 3 }), (level, higher) => {
        const claims = simulateClaims(level);
        for (const own of level) {
          own.jobs.forEach((job, rank) => {
            const others = level.filter((l) => l !== own).map((l) => ({ ...l, ready: l.jobs.length }));
            expect(groupPosition({ higher, rank, own, others })).toBe(higher + claims.indexOf(job) + 1);
          });
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('a new group joins behind every group but ahead of their second jobs', () => {
    const level: Level = [
      { group: 'a', turn: 1, jobs: ['a0', 'a1', 'a2'] },
      { group: 'b', turn: 2, jobs: ['b0', 'b1'] },
      { group: 'c', turn: 3, jobs: ['c0'] },
    ];
    expect(rotationOrder(level)).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'a2']);
    expect(
      groupPosition({
        higher: 0,
        rank: 0,
        own: { group: 'c', turn: 3 },
        others: [
          { group: 'a', turn: 1, ready: 3 },
          { group: 'b', turn: 2, ready: 2 },
        ],
      }),
    ).toBe(3);
  });

  it('turns tie on the stamp by group name; bounds count the own round only for earlier groups', () => {
    expect(turnBefore({ group: 'a', turn: 2 }, { group: 'b', turn: 2 })).toBe(true);
    expect(turnBefore({ group: 'b', turn: 1 }, { group: 'a', turn: 2 })).toBe(true);
    expect(otherGroupBound(3, true)).toBe(4);
    expect(otherGroupBound(3, false)).toBe(3);
  });

  it('roundsWithin takes whole rounds that fit the limit, after the higher levels', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 10 }),
        (bounds, limit, higher) => {
          const k = roundsWithin(bounds, limit, higher);
          const taken = (n: number) => bounds.reduce((s, b) => s + Math.min(b, n), 0);
          expect(taken(k)).toBeLessThanOrEqual(Math.max(0, limit - higher));
          if (k < Math.max(0, ...bounds)) expect(taken(k + 1)).toBeGreaterThan(Math.max(0, limit - higher));
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
