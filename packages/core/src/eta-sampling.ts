/**
 * The start of a job that waits behind few jobs, from the distribution of its wait rather than
 * from one expected value per job: a running job's remainder (without progress; for a sized job,
 * as its size's expectation times a recent run's ratio to its own) and an unsized job's run time
 * are drawn, seeded so the same data gives the same answer, from the recent runs of its kind;
 * the queue is simulated once per draw, and the estimate is the
 * median of the draws. With skewed run times and few jobs ahead one remainder decides the wait,
 * and the start of "every job at its expected time" is not the typical start: with three slots
 * busy, the first to free up comes sooner than the shortest of three expected remainders.
 * @module
 */
import { expectedDuration, firstAbove, initialSlots, type NameModel, remainingMs, simulateStart } from './eta.js';
import type { PositionInputs, RunningSample } from './storage-reads.js';

/** Draws of the queue per estimate. */
const DRAWS = 101;
/** Simulation steps (draws × (jobs ahead + running) × slots) beyond which the estimate is not sampled. */
const STEP_BUDGET = 60_000;
/** Fewest longer runs of its kind from which a running job's remainder is drawn. */
const MIN_LONGER = 3;

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from the job and the time: the same status read gives the same draws. */
function seedOf(id: string, now: number): number {
  let h = 2166136261 ^ (now % 4294967296);
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** What the models say of one queue, for drawing. */
interface Models {
  models: Map<string, NameModel>;
  fallback: NameModel | null;
  ownMs: number;
}

/**
 * A draw of a running job's remainder when it reports no progress: a longer run of its kind less
 * its age; for a sized job, its expected duration times the ratio of a run that strayed further
 * from its own expectation than this one has so far, less its age.
 */
function runningDraw(r: RunningSample, m: Models, now: number): (rand: () => number) => number {
  const model = m.models.get(r.name) ?? m.fallback;
  const expected = expectedDuration(m.models, m.fallback, r.name, r.size)?.ms ?? m.ownMs;
  const fixed = remainingMs(r, expected, now, model);
  const bySize = r.size !== null && model?.msPerUnit != null;
  const hasProgress = r.progressPercent !== null && r.progressPercent >= 5 && r.progressPercent <= 100;
  if (!model || hasProgress || (bySize && !(expected > 0))) return () => fixed;
  const [sorted, scale] = bySize ? [model.sizeRatios, expected] : [model.sortedMs, 1];
  const elapsed = Math.max(0, now - r.startedAt);
  const from = firstAbove(sorted, elapsed / scale);
  const longer = sorted.length - from;
  if (longer < MIN_LONGER) return () => fixed;
  return (rand) => (sorted[from + Math.floor(rand() * longer)] as number) * scale - elapsed;
}

/** A draw of a waiting job's run time: its size's expectation when sized, else a recent run of its kind. */
function aheadDraw(job: { name: string; size: number | null }, m: Models): (rand: () => number) => number {
  const model = m.models.get(job.name) ?? m.fallback;
  const exp = expectedDuration(m.models, m.fallback, job.name, job.size);
  if (!model || !exp || exp.bySize || model.sortedMs.length === 0) return () => exp?.ms ?? m.ownMs;
  const sorted = model.sortedMs;
  return (rand) => sorted[Math.floor(rand() * sorted.length)] as number;
}

/**
 * The sampled start offset of the job in `inputs` (see the module), or null when the jobs ahead
 * are not listed or the draws would cost more than the budget.
 * @internal
 */
export function sampledStartOffset(inputs: PositionInputs, m: Models, capacity: number, now: number): number | null {
  if (!inputs.aheadJobs || !Number.isFinite(capacity)) return null;
  if (DRAWS * (inputs.aheadJobs.length + inputs.running.length + 1) * capacity > STEP_BUDGET) return null;
  const running = inputs.running.map((r) => runningDraw(r, m, now));
  const ahead = inputs.aheadJobs.map((a) => aheadDraw(a, m));
  const rand = generator(seedOf(inputs.job.id, now));
  const starts: number[] = [];
  for (let d = 0; d < DRAWS; d++) {
    const slots = initialSlots(
      running.map((draw) => Math.max(0, draw(rand))),
      capacity,
    );
    starts.push(
      simulateStart(
        slots,
        ahead.map((draw) => draw(rand)),
      ),
    );
  }
  return starts.sort((a, b) => a - b)[(DRAWS - 1) / 2] as number;
}
