/**
 * Seeded synthetic traces for the ETA replay: Poisson arrivals at a target load, a priority mix,
 * a size distribution, a true run time proportional to size (with a little noise), and the size
 * the app declares (exact, rough, or none). The same seed always gives the same trace.
 * @module
 */

/** Size distributions, in seconds of media. */
export type SizeDist = 'lognormal' | 'bimodal' | 'heavy';
/** What the app tells Waitline of each job's size. */
export type SizeKnowledge = 'exact' | 'rough' | 'none';
/**
 * Priority mixes: everyone at `normal`; a mix where some jobs overtake; or that mix with a fifth
 * of the jobs added ahead of time, urgent and due a while later (reminders, follow-ups), which
 * overtake the jobs that wait when they come due.
 */
export type PriorityMix = 'flat' | 'mixed' | 'delayed';

/** One scenario of the replay. */
export interface TraceSpec {
  seed: number;
  jobs: number;
  /** Offered load: arrival rate × mean run time ÷ concurrency. */
  load: number;
  concurrency: number;
  dist: SizeDist;
  sizes: SizeKnowledge;
  mix: PriorityMix;
}

/** One job of a trace. */
export interface TraceJob {
  index: number;
  /** When it is added, ms from the trace's start. */
  arriveAt: number;
  priority: number;
  /** The size the app declares, or null. */
  size: number | null;
  /** How long it really runs, ms. */
  runMs: number;
  /** How long after its add it comes due (0: ready at once). */
  delayMs: number;
}

/** mulberry32: a small, fast, seeded generator of uniform numbers in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function lognormal(rand: () => number, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rand));
}

/** A size in seconds of media from `dist`. */
export function drawSize(rand: () => number, dist: SizeDist): number {
  switch (dist) {
    case 'lognormal':
      return lognormal(rand, 120, 0.8);
    case 'bimodal':
      return rand() < 0.7 ? lognormal(rand, 40, 0.3) : lognormal(rand, 600, 0.3);
    case 'heavy':
      return Math.min(7200, 40 / (1 - rand()) ** (1 / 1.8));
  }
}

/** Transcription at twice real time: half a second of work per second of media. */
const MS_PER_UNIT = 500;

function drawPriority(rand: () => number, mix: PriorityMix): number {
  if (mix === 'flat') return 2;
  const r = rand();
  return r < 0.05 ? 4 : r < 0.2 ? 3 : 2;
}

function declared(rand: () => number, size: number, sizes: SizeKnowledge): number | null {
  if (sizes === 'none') return null;
  if (sizes === 'exact') return Math.round(size * 10) / 10;
  return Math.round(size * (0.7 + 0.6 * rand()) * 10) / 10;
}

/** Builds the trace `spec` describes. */
export function makeTrace(spec: TraceSpec): TraceJob[] {
  const rand = random(spec.seed);
  const sized = Array.from({ length: spec.jobs }, () => {
    const size = drawSize(rand, spec.dist);
    return { size, runMs: Math.max(200, Math.round(size * MS_PER_UNIT * Math.exp(0.1 * normal(rand)))) };
  });
  const meanRun = sized.reduce((sum, j) => sum + j.runMs, 0) / sized.length;
  const meanGap = meanRun / (spec.load * spec.concurrency);
  let at = 0;
  return sized.map((j, index) => {
    at += Math.round(-Math.log(Math.max(rand(), 1e-12)) * meanGap);
    const job = { index, arriveAt: at, priority: drawPriority(rand, spec.mix), size: declared(rand, j.size, spec.sizes), runMs: j.runMs, delayMs: 0 };
    return spec.mix === 'delayed' ? withDelay(rand, job, meanRun) : job;
  });
}

/** Share of the `delayed` mix's jobs added ahead of time, and their priority. */
const DELAYED_SHARE = 0.2;
const DELAYED_PRIORITY = 4;

/** In the `delayed` mix, a fifth of the jobs: urgent, due 0 to 6 mean run times after their add. */
function withDelay(rand: () => number, job: TraceJob, meanRun: number): TraceJob {
  if (rand() >= DELAYED_SHARE) return job;
  return { ...job, priority: DELAYED_PRIORITY, delayMs: Math.round(rand() * 6 * meanRun) };
}
