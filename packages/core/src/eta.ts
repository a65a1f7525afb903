/**
 * Position-based ETA, computed in core (pure) from what a storage reports, so every storage gives
 * the same answer for the same data.
 *
 * Model: a job's expected run time is `size × time-per-unit` when it has a size and the queue's
 * recent jobs of its name had sizes, else the recent (winsorised) mean run time of its name
 * (falling back to the whole queue): the wait is a sum of run times, and a sum goes by the mean,
 * not the median, of skewed run times. A running job without progress or size has the median of
 * what its kind's longer runs still had left (its residual life). With few jobs ahead the start is
 * the median of seeded draws of the queue (see `eta-sampling.ts`). The start time comes from simulating the queue's effective capacity,
 * `min(queue concurrency, sum of live workers' concurrency)`: slots free up as running jobs finish
 * (their remaining time read from progress where reported), and each job ahead takes the first free
 * slot. With thousands ahead the simulation runs on their mean duration. Scheduled jobs of a
 * higher priority that come due before that start are claimed first and push it back (`eta-due.ts`).
 * @module
 */
import { sampledStartOffset } from './eta-sampling.js';
import { groupRateStartBound, rateLimitStartBound } from './eta-rate.js';
import { groupCapStartBound } from './eta-group.js';
import { startAfterDueAhead } from './eta-due.js';
import type { DueAhead, FinishedSample, PositionInputs, RunningSample } from './storage.js';

/** What an ETA is based on. */
export type EtaBasis = 'size' | 'history' | 'unknown' | 'no-workers' | 'paused';

/**
 * An estimate of when a job starts and finishes, in ms from now. `low`/`high` bound
 * `finishesInMs` and are set to hold the real finish for 80% of jobs: from `Queue.getStatus`,
 * once 30 of that queue object's own ETAs have come true, they are the 10th and 90th percentiles
 * of how late or early its recent ETAs finished (a conformal calibration, per process); before
 * that, the spread of recent run times and, at the top, the higher-priority work that may arrive
 * during the wait (see docs/eta.md for how often they hold). With basis `unknown`
 * (nothing has finished yet), `no-workers` (no live worker) or `paused` (a waiting job of a paused
 * queue: it starts only after a resume), the times are null rather than invented.
 */
export interface Eta {
  startsInMs: number | null;
  finishesInMs: number | null;
  low: number | null;
  high: number | null;
  basis: EtaBasis;
}

/**
 * Duration model for one job name. Sums of many jobs need the mean (the expected sum of n run times
 * is n × mean, whatever their skew), so the model keeps a winsorised mean (the top and bottom 1%
 * clipped, so one runaway job does not move every ETA), the time per unit of size as a ratio of
 * sums, and the sorted run times for the expected remaining time of a running job.
 * @internal
 */
export interface NameModel {
  meanMs: number;
  msPerUnit: number | null;
  /** Recent run times, ascending. */
  sortedMs: readonly number[];
  /** Each recent sized run's time ÷ its size's expectation (`size × msPerUnit`), ascending; empty without a size model. */
  sizeRatios: readonly number[];
}

/** The simulation gives up per-job steps beyond this many (jobs × slots) and uses sums. */
const SIMULATION_BUDGET = 2_000_000;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[idx] as number;
}

/** The mean of `sorted` with values beyond its 1st and 99th percentiles clipped to them. @internal */
export function winsorisedMean(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const lo = quantile(sorted, 0.01);
  const hi = quantile(sorted, 0.99);
  return sorted.reduce((sum, v) => sum + Math.min(hi, Math.max(lo, v)), 0) / sorted.length;
}

function perUnit(samples: readonly FinishedSample[]): number | null {
  const sized = samples.filter((s) => s.size !== null && s.size > 0);
  if (sized.length === 0) return null;
  const ratios = sized.map((s) => (s.finishedAt - s.startedAt) / (s.size as number)).sort((a, b) => a - b);
  const lo = quantile(ratios, 0.01);
  const hi = quantile(ratios, 0.99);
  const kept = sized.filter((s) => {
    const r = (s.finishedAt - s.startedAt) / (s.size as number);
    return r >= lo && r <= hi;
  });
  const size = kept.reduce((sum, s) => sum + (s.size as number), 0);
  return size > 0 ? kept.reduce((sum, s) => sum + Math.max(0, s.finishedAt - s.startedAt), 0) / size : null;
}

function modelOf(samples: readonly FinishedSample[]): NameModel {
  const sortedMs = samples.map((s) => Math.max(0, s.finishedAt - s.startedAt)).sort((a, b) => a - b);
  const msPerUnit = perUnit(samples);
  return { meanMs: winsorisedMean(sortedMs), msPerUnit, sortedMs, sizeRatios: sizeRatios(samples, msPerUnit) };
}

/** How far each sized run strayed from its size's expectation: run time ÷ (size × msPerUnit), ascending. */
function sizeRatios(samples: readonly FinishedSample[], msPerUnit: number | null): number[] {
  if (msPerUnit === null || msPerUnit <= 0) return [];
  const out: number[] = [];
  for (const s of samples) if (s.size !== null && s.size > 0) out.push(Math.max(0, s.finishedAt - s.startedAt) / (s.size * msPerUnit));
  return out.sort((a, b) => a - b);
}

/** Builds per-name duration models from recent completed samples. @internal */
export function buildModels(recent: readonly FinishedSample[]): Map<string, NameModel> {
  const byName = new Map<string, FinishedSample[]>();
  for (const s of recent) {
    if (s.state !== 'completed') continue;
    const list = byName.get(s.name) ?? [];
    list.push(s);
    byName.set(s.name, list);
  }
  return new Map([...byName].map(([name, samples]) => [name, modelOf(samples)]));
}

/** The expected run time of one job, and whether it came from its size. @internal */
export function expectedDuration(
  models: Map<string, NameModel>,
  fallback: NameModel | null,
  name: string,
  size: number | null,
): { ms: number; bySize: boolean } | null {
  const own = models.get(name);
  const model = own ?? fallback;
  if (!model) return null;
  // Time per unit is a kind's own: another kind's sizes may count other units (pages, not seconds).
  if (size !== null && own?.msPerUnit != null) return { ms: size * own.msPerUnit, bySize: true };
  return { ms: model.meanMs, bySize: false };
}

/** The whole queue's model, for a kind with no history of its own: a mean only (see {@link expectedDuration}). */
function queueFallback(recent: readonly FinishedSample[]): NameModel | null {
  const all = buildModels(recent.map((s) => ({ ...s, name: '*' })));
  const model = all.get('*');
  return model ? { ...model, msPerUnit: null } : null;
}

/**
 * The time a job that ran `elapsedMs` likely still has to run: the median of what the runs of its
 * kind that lasted longer had left (with skewed run times, a job that has already run long is
 * likely a long one; the median, not the mean, because one job's remainder is not a sum). Null
 * with fewer than 3 such runs.
 * @internal
 */
export function residualMs(sortedMs: readonly number[], elapsedMs: number): number | null {
  return residualScaled(sortedMs, 1, elapsedMs);
}

/** Index of the first value above `x` in ascending `sorted`. @internal */
export function firstAbove(sorted: readonly number[], x: number): number {
  let from = 0;
  let to = sorted.length;
  while (from < to) {
    const mid = (from + to) >> 1;
    if ((sorted[mid] as number) <= x) from = mid + 1;
    else to = mid;
  }
  return from;
}

/** The median of what the runs `sorted × scale` longer than `elapsedMs` had left; null with fewer than 3. */
function residualScaled(sorted: readonly number[], scale: number, elapsedMs: number): number | null {
  const from = firstAbove(sorted, elapsedMs / scale);
  const longer = sorted.length - from;
  if (longer < 3) return null;
  return (sorted[from + Math.floor(longer / 2)] as number) * scale - elapsedMs;
}

/**
 * Remaining time of a running job: from its progress when it reported enough; else its residual
 * life (see {@link residualMs}): for a job without a size, of its kind's run times; for a sized
 * one, of its expected duration times each recent run's ratio to its own expectation, so a job
 * that has run about as long as expected is given what such jobs really had left, not a fixed
 * share of its duration. With fewer than 3 longer runs to go by: its expected duration less the
 * time run, at least a tenth of it.
 * @internal
 */
export function remainingMs(job: RunningSample, expected: number, now: number, model?: NameModel | null): number {
  const elapsed = Math.max(0, now - job.startedAt);
  const p = job.progressPercent;
  if (p !== null && p >= 5 && p <= 100) return Math.max(0, (elapsed * (100 - p)) / p);
  const bySize = job.size !== null && model?.msPerUnit != null;
  let residual: number | null = null;
  if (model && !bySize) residual = residualMs(model.sortedMs, elapsed);
  else if (model && expected > 0) residual = residualScaled(model.sizeRatios, expected, elapsed);
  if (residual !== null) return residual;
  return Math.max(expected - elapsed, expected * 0.1);
}

/** The times at which each of `capacity` slots can take a new job, given running jobs' remaining times. @internal */
export function initialSlots(runningRemaining: number[], capacity: number): number[] {
  const sorted = [...runningRemaining].sort((a, b) => a - b);
  if (sorted.length < capacity) return [...new Array<number>(capacity - sorted.length).fill(0), ...sorted];
  return sorted.slice(sorted.length - capacity);
}

/** Places each duration in the first free slot, in order; returns when the next slot frees after them. @internal */
export function simulateStart(slots: number[], durations: Iterable<number>): number {
  const free = [...slots];
  for (const d of durations) {
    let min = 0;
    for (let i = 1; i < free.length; i++) if ((free[i] as number) < (free[min] as number)) min = i;
    free[min] = (free[min] as number) + d;
  }
  return minOf(free);
}

/** The smallest of `values` (a loop: spreading a long array into `Math.min` overflows the stack). @internal */
export function minOf(values: readonly number[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < min) min = v;
  return min;
}

/** `value`, `count` times, without an array of them. @internal */
export function repeat(value: number, count: number): Iterable<number> {
  return {
    *[Symbol.iterator]() {
      for (let i = 0; i < count; i++) yield value;
    },
  };
}

/** The spread of recent actual/expected ratios, as [low, high] factors. */
function accuracyBand(models: Map<string, NameModel>, fallback: NameModel | null, recent: readonly FinishedSample[]): [number, number] {
  const ratios: number[] = [];
  for (const s of recent) {
    if (s.state !== 'completed') continue;
    const exp = expectedDuration(models, fallback, s.name, s.size);
    if (exp && exp.ms > 0) ratios.push((s.finishedAt - s.startedAt) / exp.ms);
  }
  if (ratios.length < 3) return [0.5, 1.5];
  ratios.sort((a, b) => a - b);
  return [Math.min(1, quantile(ratios, 0.1)), Math.max(1, quantile(ratios, 0.9))];
}

/** Fewest recent finished jobs from which the share of higher-priority work is read. */
const MIN_SHARE_SAMPLES = 10;
/** The share of capacity higher-priority work is assumed to take at most. */
const MAX_HIGHER_SHARE = 0.9;

/**
 * How much longer than the work now ahead a job waits because jobs that outrank it keep arriving:
 * `1 ÷ (1 − ρ)`, where ρ is the share of the capacity that jobs of a higher priority used over
 * the span of the recent samples (the non-preemptive priority queue's steady state, in which
 * every unit of higher-priority work arriving during the wait is served first). 1 with too few
 * samples; ρ is capped at 0.9.
 * @internal
 */
export function overtakeFactor(recent: readonly FinishedSample[], priority: number, capacity: number, now: number): number {
  if (recent.length < MIN_SHARE_SAMPLES || !Number.isFinite(capacity) || capacity <= 0) return 1;
  let since = now;
  let higher = 0;
  for (const s of recent) {
    since = Math.min(since, s.startedAt);
    if (s.priority > priority) higher += Math.max(0, s.finishedAt - s.startedAt);
  }
  const span = now - since;
  if (span <= 0) return 1;
  return 1 / (1 - Math.min(MAX_HIGHER_SHARE, higher / (span * capacity)));
}

/** Effective capacity: the queue's limit, bounded by what live workers can run. @internal */
export function effectiveCapacity(inputs: Pick<PositionInputs, 'config' | 'liveWorkers'>): number {
  const workerSlots = inputs.liveWorkers.reduce((sum, w) => sum + w.concurrency, 0);
  return Math.min(inputs.config.concurrency ?? Number.POSITIVE_INFINITY, workerSlots);
}

/** Estimates the ETA of the job in `inputs` at time `now`; null for a job in a final state. @internal */
export function estimateEta(inputs: PositionInputs, now: number): Eta | null {
  return estimateEtaParts(inputs, now).eta;
}

/**
 * {@link estimateEta}, with the part of the start that is certain: the job's own delay and the
 * rate limits' and group cap's bounds, before which it cannot start whatever the run times. A
 * range is never set below it (see `EtaCalibrator.calibrate`). @internal
 */
export function estimateEtaParts(inputs: PositionInputs, now: number): { eta: Eta | null; floorMs: number } {
  const { job } = inputs;
  if (job.state !== 'queued' && job.state !== 'running') return { eta: null, floorMs: 0 };
  const models = buildModels(inputs.recent);
  const fallback = queueFallback(inputs.recent);
  const own = expectedDuration(models, fallback, job.name, job.size);
  const band = accuracyBand(models, fallback, inputs.recent);
  const basis: EtaBasis = own === null ? 'unknown' : own.bySize ? 'size' : 'history';
  if (job.state === 'running') {
    if (!own) return { eta: nullEta(basis, 0), floorMs: 0 };
    const self = inputs.running.find((r) => r.id === job.id);
    const rem = self ? remainingMs(self, own.ms, now, models.get(job.name) ?? fallback) : own.ms;
    return { eta: withBand({ floor: 0, start: 0, overtaken: 0, run: rem }, band, basis), floorMs: 0 };
  }
  const capacity = effectiveCapacity(inputs);
  if (inputs.config.paused) return { eta: nullEta('paused'), floorMs: 0 };
  if (capacity <= 0) return { eta: nullEta('no-workers'), floorMs: 0 };
  if (!own) return { eta: nullEta(basis), floorMs: 0 };
  // Slots beyond one per running job, per job ahead and one for the job stay idle: simulating them changes nothing.
  const slots = Math.min(capacity, inputs.running.length + (inputs.ahead ?? 0) + 1);
  const workAhead = sampledStartOffset(inputs, { models, fallback, ownMs: own.ms }, slots, now) ?? startOffset(inputs, models, fallback, slots, now, own.ms);
  const dueMs = (d: DueAhead) => expectedDuration(models, fallback, d.name, d.size)?.ms ?? own.ms;
  // A storage built against an older core may not list them: then nothing is due ahead.
  const offset = startAfterDueAhead(workAhead, inputs.dueAhead ?? [], dueMs, capacity, now);
  // The job's delay, the queue's rate limit, the group cap and the group rate limit each hold the start back, whatever slots are idle.
  const floor = Math.max(
    Math.max(0, job.runAt - now),
    rateLimitStartBound(inputs, now),
    groupRateStartBound(inputs, now),
    groupBound(inputs, models, fallback, slots, now, own.ms),
  );
  // Overtaking stretches the wait in expectation, but whether it happens is a coin toss per job:
  // the estimate stays the work ahead now, and the range's top makes room for what may arrive.
  // The factor stands for all higher-priority work to come, so it stretches the work ahead now, not the listed due jobs again.
  const overtaken = offset + workAhead * (overtakeFactor(inputs.recent, job.priority, capacity, now) - 1);
  return { eta: withBand({ floor, start: offset, overtaken, run: own.ms }, band, basis), floorMs: floor };
}

/** An ETA without times: `unknown`, `no-workers`, `paused` (or a running job of no known kind, which starts now). */
function nullEta(basis: EtaBasis, startsInMs: number | null = null): Eta {
  return { startsInMs, finishesInMs: null, low: null, high: null, basis };
}

/** Each running job's expected remaining time, as the simulation frees its slot. */
function runningRemaining(inputs: PositionInputs, models: Map<string, NameModel>, fallback: NameModel | null, now: number, ownMs: number): number[] {
  return inputs.running.map((r) => remainingMs(r, expectedDuration(models, fallback, r.name, r.size)?.ms ?? ownMs, now, models.get(r.name) ?? fallback));
}

/** The group cap's lower bound on the start (see `eta-group.ts`); 0 unless the queue caps groups. */
function groupBound(inputs: PositionInputs, models: Map<string, NameModel>, fallback: NameModel | null, capacity: number, now: number, ownMs: number): number {
  if ((inputs.config.groupConcurrency ?? null) === null || inputs.group === undefined) return 0;
  return groupCapStartBound(inputs, { ownMs, capacity, runningRemainingMs: runningRemaining(inputs, models, fallback, now, ownMs) });
}

function startOffset(inputs: PositionInputs, models: Map<string, NameModel>, fallback: NameModel | null, capacity: number, now: number, ownMs: number): number {
  const running = runningRemaining(inputs, models, fallback, now, ownMs);
  const slots = initialSlots(running, capacity);
  if (inputs.aheadJobs) {
    const durations = inputs.aheadJobs.map((a) => expectedDuration(models, fallback, a.name, a.size)?.ms ?? ownMs);
    return simulateStart(slots, durations);
  }
  let total = 0;
  let count = 0;
  for (const w of inputs.aheadWork) {
    const model = models.get(w.name) ?? fallback;
    const unsized = w.count - w.sizedCount;
    const mean = model?.meanMs ?? ownMs;
    const sized = model?.msPerUnit != null ? w.sizeSum * model.msPerUnit : w.sizedCount * mean;
    total += unsized * mean + sized;
    count += w.count;
  }
  if (count === 0) return minOf(slots);
  // The storage grouped only the first `aheadWorkOf` jobs ahead: their mean stands for the rest.
  const ahead = inputs.ahead ?? count;
  if (ahead > count) {
    total *= ahead / count;
    count = ahead;
  }
  if (count * slots.length <= SIMULATION_BUDGET) return simulateStart(slots, repeat(total / count, count));
  return Math.max(minOf(slots), (slots.reduce((a, b) => a + b, 0) + total) / slots.length);
}

/** A start estimate's parts, ms from now: the certain floor, the work ahead's start, its top with overtaking, and the run. */
interface StartParts {
  floor: number;
  start: number;
  overtaken: number;
  run: number;
}

/**
 * The ETA from its parts: the band stretches what is uncertain (the work ahead, the run), never
 * the floor, so `low` is not before the job may start. A time that is not finite (sizes and time
 * per unit at the ends of the float range) gives basis `unknown` rather than an invented number.
 */
function withBand(parts: StartParts, band: [number, number], basis: EtaBasis): Eta {
  const { floor, start, overtaken, run } = parts;
  const startsIn = Math.max(floor, start);
  const low = Math.max(floor, start * band[0]) + run * band[0];
  const high = Math.max(floor, overtaken * band[1]) + run * band[1];
  if (![startsIn, low, high, startsIn + run].every(Number.isFinite)) return nullEta('unknown');
  const round = (v: number) => Math.max(0, Math.round(v));
  return { startsInMs: round(startsIn), finishesInMs: round(startsIn + run), low: round(low), high: round(high), basis };
}
