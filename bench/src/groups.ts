/**
 * Scenarios for groups (issue 14), on systems whose open API has them (Waitline):
 * - S4G: S4 (drain at concurrency 10) with job `i` in group `i mod 1,000`: what taking groups in
 *   turns costs the claim, read beside the same system's S4 row;
 * - POSG: position look-ups at 10·n waiting jobs in 1,000 groups, each group's jobs added together
 *   (so the turn order differs from the add order), every answer checked against the round-robin
 *   order: job `r` of group `g` (groups joined in order) is at `r·groups + g + 1`.
 */
import { budget, BULK_CHUNK, type Metrics, onFreshPlace, payloads, type ScenarioDef, type ScenarioParams } from './kit.js';
import { drain, jobsPerSec } from './drain.js';
import { median, nowMs, percentile } from './stats.js';
import type { BenchSystem, JobRef, Place } from './systems/types.js';

/** Groups in both scenarios. */
export const BENCH_GROUPS = 1_000;

const fmtInt = (v: number): string => v.toLocaleString('en-US');

/** Adds `count` jobs in chunks, job `i` in the group `groupOf(i)`; returns the ids in order. */
async function fillGrouped(s: BenchSystem, count: number, groupOf: (i: number) => number): Promise<JobRef[]> {
  const add = s.addBulkGrouped?.bind(s);
  if (!add) throw new Error(`${s.name} has no groups`);
  const ids: JobRef[] = [];
  for (let done = 0; done < count; done += BULK_CHUNK) {
    const chunk = payloads(done, Math.min(BULK_CHUNK, count - done)).map((payload) => ({ payload, group: `g${groupOf(payload.i)}` }));
    ids.push(...(await add(chunk)));
  }
  return ids;
}

async function groupedPositions(s: BenchSystem, p: ScenarioParams, place: () => Place): Promise<Metrics> {
  const getPosition = s.getPosition?.bind(s);
  if (!getPosition) throw new Error(`${s.name} has no position API`);
  return onFreshPlace(s, place, async () => {
    const size = p.n * 10;
    const groups = Math.min(BENCH_GROUPS, size);
    const per = Math.ceil(size / groups);
    const ids = await fillGrouped(s, size, (i) => Math.floor(i / per));
    const times: number[] = [];
    let wrong = 0;
    const b = budget(p.budgetMs);
    for (let k = 0; k < p.positionSamples && (k < 20 || !b.over()); k++) {
      const i = Math.floor(((k + 0.5) * size) / p.positionSamples);
      const t0 = nowMs();
      const pos = await getPosition(ids[i] as JobRef);
      times.push(nowMs() - t0);
      if (pos !== expectedPosition(i, per, size)) wrong++;
    }
    return { p50: median(times), p95: percentile(times, 95), wrong, done: times.length };
  });
}

/**
 * Where job `i` stands when groups of `per` consecutive jobs take turns: its rank `r` inside its
 * group `g`, then one job of each group per round (the last group may be shorter).
 */
export function expectedPosition(i: number, per: number, size: number): number {
  const g = Math.floor(i / per);
  const r = i % per;
  const groups = Math.ceil(size / per);
  const lastSize = size - (groups - 1) * per;
  // Each other group contributes min(its size, r) jobs before round r, plus 1 in round r if before g.
  let ahead = 0;
  for (let h = 0; h < groups; h++) {
    if (h === g) continue;
    const sizeH = h === groups - 1 ? lastSize : per;
    ahead += Math.min(sizeH, r + (h < g ? 1 : 0));
  }
  return ahead + r + 1;
}

export const DRAIN_GROUPED: ScenarioDef = {
  id: 'S4G',
  title: 'S4G drain, concurrency 10, 1,000 groups',
  describe: (p) =>
    `${p.n} no-op jobs pre-added, job i in group i mod ${fmtInt(Math.min(BENCH_GROUPS, p.n))}; worker start to last completion recorded (compare with S4)`,
  metrics: jobsPerSec,
  applies: (s) => typeof s.addBulkGrouped === 'function',
  noRatios: true,
  run: drain(10, (s, count) => fillGrouped(s, count, (i) => i % BENCH_GROUPS)),
};

export const POSITION_GROUPED: ScenarioDef = {
  id: 'POSG',
  title: 'Position lookup, 1,000 groups',
  describe: (p) =>
    `${p.positionSamples} position look-ups spread through ${fmtInt(p.n * 10)} waiting jobs in ${fmtInt(BENCH_GROUPS)} groups of consecutive jobs, each checked against the round-robin order`,
  metrics: [
    { key: 'p50', label: (p) => `p50 @ ${fmtInt(p.n * 10)}`, unit: 'ms', better: 'lower' },
    { key: 'p95', label: (p) => `p95 @ ${fmtInt(p.n * 10)}`, unit: 'ms', better: 'lower' },
    { key: 'wrong', label: 'wrong positions', unit: 'count', better: 'lower' },
  ],
  applies: (s) => typeof s.getPosition === 'function' && typeof s.addBulkGrouped === 'function',
  noRatios: true,
  run: groupedPositions,
};
