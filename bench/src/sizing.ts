/**
 * Scenarios about queue size rather than speed:
 * - POS: time to find a waiting job's position at n and 10·n waiting jobs (and 100·n for systems
 *   that ask for it: Waitline-Redis at 1,000,000, first run only), checking every answer against
 *   the job's index; for Waitline also its full status (position and ETA, `Queue.getStatus`) at n
 *   and 10·n, whose position is checked the same way;
 * - MEM (Redis only): bytes of Redis memory per waiting job, from INFO memory `used_memory`
 *   before and after adding 10·n jobs under a fresh, empty key prefix.
 */
import { Redis } from 'ioredis';
import { budget, fill, HUGE_CHUNK, type Metrics, onFreshPlace, type ScenarioDef, type ScenarioParams, sleep } from './kit.js';
import { placeOf } from './places.js';
import { median, nowMs, percentile } from './stats.js';
import type { BenchSystem, JobRef, Place } from './systems/types.js';

const fmtInt = (v: number): string => v.toLocaleString('en-US');

/** The queue sizes a system's position lookup is measured at, with their metric key prefixes. */
export function positionLevels(s: BenchSystem, p: ScenarioParams): [string, number][] {
  const levels: [string, number][] = [
    ['small', p.n],
    ['large', p.n * 10],
  ];
  if (s.positionHuge && p.hugeLevel) levels.push(['huge', p.n * s.positionHuge]);
  return levels;
}

/** Fewest look-ups per level, even past the time budget. */
const MIN_SAMPLES = 20;

async function sampleLevel(getPosition: (id: JobRef) => Promise<number | null>, ids: JobRef[], p: ScenarioParams): Promise<{ times: number[]; wrong: number }> {
  const times: number[] = [];
  let wrong = 0;
  const samples = p.positionSamples;
  const b = budget(p.budgetMs);
  for (let k = 0; k < samples && (k < MIN_SAMPLES || !b.over()); k++) {
    const idx = Math.floor(((k + 0.5) * ids.length) / samples);
    const t0 = nowMs();
    const pos = await getPosition(ids[idx] as JobRef);
    times.push(nowMs() - t0);
    // Positions are 0- or 1-based depending on the API; either way they must track the index.
    if (pos === null || (pos !== idx && pos !== idx + 1)) wrong++;
  }
  return { times, wrong };
}

async function positions(s: BenchSystem, p: ScenarioParams, place: () => Place): Promise<Metrics> {
  const getPosition = s.getPosition?.bind(s);
  const getStatus = s.getStatusPosition?.bind(s);
  if (!getPosition) throw new Error(`${s.name} has no position API`);
  return onFreshPlace(s, place, async () => {
    const out: Metrics = { wrong: 0, done: p.positionSamples };
    const ids: JobRef[] = [];
    for (const [key, size] of positionLevels(s, p)) {
      const chunk = size > p.n * 10 ? HUGE_CHUNK : undefined;
      for (const id of await fill(s, ids.length, size - ids.length, chunk)) ids.push(id);
      const { times, wrong } = await sampleLevel(getPosition, ids, p);
      out[`${key}P50`] = median(times);
      out[`${key}P95`] = percentile(times, 95);
      out.wrong = (out.wrong ?? 0) + wrong;
      if (getStatus && key !== 'huge') {
        const status = await sampleLevel(getStatus, ids, p);
        out[`${key}StatusP50`] = median(status.times);
        out.wrong += status.wrong;
      }
      out.done = Math.min(out.done ?? times.length, times.length);
    }
    return out;
  });
}

async function usedMemory(r: Redis): Promise<number> {
  const m = /used_memory:(\d+)/.exec(await r.info('memory'));
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

async function memory(s: BenchSystem, p: ScenarioParams, place: () => Place): Promise<Metrics> {
  return onFreshPlace(s, place, async (pl) => {
    const r = new Redis(placeOf(pl, 'redis').url);
    try {
      const count = p.n * 10;
      await sleep(100);
      const before = await usedMemory(r);
      await fill(s, 0, count);
      await sleep(100);
      const after = await usedMemory(r);
      return { bytesPerJob: (after - before) / count, totalMiB: (after - before) / 2 ** 20 };
    } finally {
      r.disconnect();
    }
  });
}

export const POSITION: ScenarioDef = {
  id: 'POS',
  title: 'Position lookup',
  describe: (p) =>
    `${p.positionSamples} position look-ups spread through ${fmtInt(p.n)} and then ${fmtInt(p.n * 10)} waiting jobs` +
    ` (and ${fmtInt(p.n * 100)} where shown, in the first run only); "status" is the same look-ups through \`getStatus\` (position and ETA), Waitline only`,
  metrics: [
    { key: 'smallP50', label: (p) => `p50 @ ${fmtInt(p.n)}`, unit: 'ms', better: 'lower' },
    { key: 'largeP50', label: (p) => `p50 @ ${fmtInt(p.n * 10)}`, unit: 'ms', better: 'lower' },
    { key: 'largeP95', label: (p) => `p95 @ ${fmtInt(p.n * 10)}`, unit: 'ms', better: 'lower' },
    { key: 'smallStatusP50', label: (p) => `status p50 @ ${fmtInt(p.n)}`, unit: 'ms', better: 'lower' },
    { key: 'largeStatusP50', label: (p) => `status p50 @ ${fmtInt(p.n * 10)}`, unit: 'ms', better: 'lower' },
    { key: 'hugeP50', label: (p) => `p50 @ ${fmtInt(p.n * 100)}`, unit: 'ms', better: 'lower' },
    { key: 'hugeP95', label: (p) => `p95 @ ${fmtInt(p.n * 100)}`, unit: 'ms', better: 'lower' },
    { key: 'wrong', label: 'wrong positions', unit: 'count', better: 'lower' },
  ],
  applies: (s) => typeof s.getPosition === 'function',
  run: positions,
};

export const MEMORY: ScenarioDef = {
  id: 'MEM',
  title: 'Redis memory per waiting job',
  describe: (p) => `INFO memory \`used_memory\` before and after adding ${fmtInt(p.n * 10)} jobs (bulk API) under a fresh key prefix, ÷ jobs`,
  metrics: [
    { key: 'bytesPerJob', label: 'bytes/job', unit: 'B', better: 'lower' },
    { key: 'totalMiB', label: 'total', unit: 'MiB', better: 'lower' },
  ],
  applies: (s) => s.family === 'redis',
  run: memory,
};
