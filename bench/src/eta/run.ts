/**
 * `pnpm bench:eta`: replays seeded synthetic traces (loads 0.5, 0.8, 0.95; lognormal, bimodal and
 * heavy-tailed sizes; concurrency 1 and 3; sizes exact, rough (±30%) or unknown; all-normal or
 * mixed priorities) through a real Queue on SQLite (in memory) under a manual clock, and scores
 * Waitline's ETA against the naive estimate. Two seed sets: `tuning` (what the estimator was
 * tuned on) and `holdout` (traces it was never tuned on). Writes bench/results/eta.md and
 * eta.json and the plot docs/images/eta-replay.svg (with `--out NAME`: bench/results/NAME.md,
 * .json and .svg). `--quick` is the CI-sized run.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MemoryStorage, type Storage } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import { scatterSvg } from './plot.js';
import { markOvertaken, type Outcome, Replay } from './replay.js';
import { realWait, type Score, score, WARMUP } from './score.js';
import { makeTrace, type PriorityMix, type SizeDist, type SizeKnowledge, type TraceSpec } from './trace.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    jobs: { type: 'string' },
    out: { type: 'string', default: 'eta' },
    storage: { type: 'string', default: 'sqlite' },
    mix: { type: 'string' },
  },
});

const DISTS: SizeDist[] = ['lognormal', 'bimodal', 'heavy'];
const LOADS = [0.5, 0.8, 0.95];
const CONCURRENCY = [1, 3];
const KNOWLEDGE: SizeKnowledge[] = ['exact', 'rough', 'none'];
const MIXES: PriorityMix[] = ['flat', 'mixed', 'delayed'];
const SEED_SETS = { tuning: 1, holdout: 1001 } as const;
type SeedSet = keyof typeof SEED_SETS;

interface Run {
  spec: TraceSpec;
  set: SeedSet;
  outcomes: Outcome[];
}

function specs(set: SeedSet, jobs: number): TraceSpec[] {
  const out: TraceSpec[] = [];
  // One seed per (distribution, load, concurrency): the same arrivals and sizes whatever the app knows of them.
  for (const dist of DISTS)
    for (const load of LOADS)
      for (const concurrency of CONCURRENCY)
        for (const mix of MIXES)
          for (const sizes of KNOWLEDGE)
            out.push({ seed: SEED_SETS[set] + DISTS.indexOf(dist) * 100 + LOADS.indexOf(load) * 10 + concurrency, jobs, load, concurrency, dist, sizes, mix });
  const mixes = args.mix === undefined ? null : args.mix.split(',');
  const chosen = mixes === null ? out : out.filter((s) => mixes.includes(s.mix));
  return args.quick ? chosen.filter((s) => s.dist === 'lognormal' && s.mix !== 'flat') : chosen;
}

/** The storage a replay runs on: SQLite in memory (the default), or core's MemoryStorage. */
async function openStorage(): Promise<Storage> {
  if (args.storage === 'memory') return new MemoryStorage();
  if (args.storage === 'sqlite') return SqliteStorage.open({ path: ':memory:' });
  throw new Error(`--storage must be sqlite or memory, got ${args.storage}`);
}

async function replay(spec: TraceSpec): Promise<Outcome[]> {
  const storage = await openStorage();
  try {
    const outcomes = await new Replay(storage, spec, makeTrace(spec)).run();
    markOvertaken(outcomes);
    return outcomes;
  } finally {
    await storage.close();
  }
}

const pct = (v: number) => (Number.isNaN(v) ? '–' : `${Math.round(v * 100)}%`);
const num = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(3));

function row(label: string, s: Score): string {
  return `| ${label} | ${s.scored} | ${num(s.waitlineP50)} | ${num(s.waitlineP90)} | ${num(s.naiveP50)} | ${num(s.naiveP90)} | ${pct(s.coverage)} | ${pct(s.positionsExact)} (${s.notOvertaken}) |`;
}

const HEAD = [
  '| | jobs scored | Waitline p50 | Waitline p90 | naive p50 | naive p90 | finish in [low, high] | positions exact (not overtaken) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
];

function pooled(runs: readonly Run[], keep: (r: Run) => boolean): Score {
  return score(runs.filter(keep).flatMap((r) => r.outcomes));
}

function tables(runs: readonly Run[]): string[] {
  const lines: string[] = [];
  for (const set of Object.keys(SEED_SETS) as SeedSet[]) {
    lines.push('', `### ${set} traces: by what the app tells of sizes`, '', ...HEAD);
    for (const k of KNOWLEDGE)
      lines.push(
        row(
          `sizes ${k}`,
          pooled(runs, (r) => r.set === set && r.spec.sizes === k),
        ),
      );
  }
  lines.push('', '### all traces, sizes exact and unknown, by load, concurrency and priority mix', '', ...HEAD);
  for (const k of ['exact', 'none'] as const)
    for (const load of LOADS)
      for (const c of CONCURRENCY)
        for (const mix of MIXES) {
          const s = pooled(runs, (r) => r.spec.sizes === k && r.spec.load === load && r.spec.concurrency === c && r.spec.mix === mix);
          if (s.scored > 0) lines.push(row(`${k}, load ${load}, c=${c}, ${mix}`, s));
        }
  return lines;
}

function plot(runs: readonly Run[]): string {
  const points = (k: SizeKnowledge, naive: boolean) =>
    runs
      .filter((r) => r.spec.sizes === k && r.set === 'holdout')
      .flatMap((r) => r.outcomes)
      .filter((o) => o.job.index >= WARMUP && realWait(o) > 0 && o.eta?.startsInMs != null && o.naiveWaitMs !== null)
      .map((o): [number, number] => [realWait(o), naive ? o.naiveWaitMs! : o.eta!.startsInMs!]);
  return scatterSvg('ETA at add vs real wait (holdout traces)', [
    { label: 'naive: position × mean ÷ workers', colour: '#d62728', points: points('exact', true) },
    { label: 'Waitline, sizes unknown', colour: '#ff7f0e', points: points('none', false) },
    { label: 'Waitline, sizes exact', colour: '#1f77b4', points: points('exact', false) },
  ]);
}

async function main(): Promise<void> {
  const jobs = Number(args.jobs ?? (args.quick ? 200 : 400));
  const runs: Run[] = [];
  const started = Date.now();
  for (const set of Object.keys(SEED_SETS) as SeedSet[]) {
    for (const spec of specs(set, jobs)) runs.push({ spec, set, outcomes: await replay(spec) });
    process.stderr.write(`${set}: ${runs.filter((r) => r.set === set).length} traces\n`);
  }
  const flags = [args.quick ? ' --quick' : '', args.storage === 'sqlite' ? '' : ` --storage ${args.storage}`, args.mix ? ` --mix ${args.mix}` : ''];
  const command = `pnpm bench:eta${flags.join('')}`;
  const md = [
    '# ETA replay',
    '',
    `\`${command}\` · ${runs.length} traces of ${jobs} jobs · ${new Date().toISOString().slice(0, 10)} · ${Math.round((Date.now() - started) / 1000)} s`,
    '',
    `Relative error of the predicted wait at add, |predicted − real| ÷ real, for jobs that waited (the first ${WARMUP} of each trace left out while history builds). Naive: position × mean recent run time ÷ concurrency.`,
    ...tables(runs),
    '',
  ].join('\n');
  const results = join(here, '../../results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, `${args.out}.md`), md);
  writeFileSync(
    join(results, `${args.out}.json`),
    JSON.stringify(
      runs.map((r) => ({ spec: r.spec, set: r.set, score: score(r.outcomes) })),
      null,
      1,
    ),
  );
  // The docs' plot is of the full default run only.
  // The docs' plot comes from the full default run only; a run with its own --out keeps it beside its tables.
  const svg = args.out === 'eta' ? join(here, '../../../docs/images/eta-replay.svg') : join(here, `../../results/${args.out}.svg`);
  if (!args.quick && args.mix === undefined && args.storage === 'sqlite') writeFileSync(svg, plot(runs));
  process.stdout.write(md);
}

await main();
