/**
 * The command line of `pnpm bench`, parsed into the run's settings.
 *
 *   --runs N            runs per (system, scenario), default 3; tables show medians
 *   --n N               jobs per scenario, default 10000 (position: n, 10·n and, first run, Waitline-Redis at 100·n)
 *   --only S1,S3        scenarios: S1 S2 S3 S4 S4G S5 POS POSG MEM HTTP SSE MOVE SCHED
 *   --family a,b        families: sqlite postgres redis (default: all)
 *   --systems a,b       system ids, or a prefix: waitline = every Waitline system, raw = every floor
 *   --latency-iters N   S5 samples and HTTP status requests per queue region, default n/10 (1000)
 *   --sse-subscribers N SSE streams held open at once in the SSE scenario, default 1000
 *   --http-concurrency N  HTTP status requests in flight, default 8
 *   --budget-s N        time budget of one timed loop, default 10 s; slower systems are stopped there
 *   --poll-ms N         idle poll interval of the SQLite poll-based peers, default 1
 *   --pg-url URL        default $WAITLINE_BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/test
 *   --redis-url URL     default $WAITLINE_BENCH_REDIS_URL or redis://127.0.0.1:6379
 *   --out NAME          results file name under bench/results (NAME.md, NAME.json), default latest
 *   --validate          validate payloads with zod where the system can (Waitline, liteque)
 *   --no-warmup         skip the in-process warm-up before each measurement
 */
import { parseArgs } from 'node:util';
import type { ScenarioParams } from './kit.js';
import { FAMILIES, type Family, type Servers } from './places.js';
import { SCENARIOS } from './scenarios.js';
import { matchSystems, SYSTEM_IDS, type SystemId, systemFamily } from './systems/index.js';
import type { SystemOptions } from './systems/types.js';

export interface Settings {
  argv: string[];
  runs: number;
  params: ScenarioParams;
  options: SystemOptions;
  warmup: boolean;
  scenarioIds: string[];
  families: Family[];
  systemIds: SystemId[];
  servers: Servers;
  /** Results go to bench/results/<out>.md and <out>.json. */
  out: string;
}

const USAGE = `usage: pnpm bench [--runs N] [--n N] [--only S1,S2,S3,S4,S4G,S5,POS,POSG,MEM,HTTP,SSE,MOVE,SCHED] [--family sqlite,postgres,redis]
                  [--systems ${SYSTEM_IDS.join(',')}]
                  [--latency-iters N] [--sse-subscribers N] [--http-concurrency N] [--budget-s N] [--poll-ms N] [--pg-url URL] [--redis-url URL] [--out NAME] [--validate] [--no-warmup]`;

const int = (v: string | undefined, name: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
};

function pick<T extends string>(list: string | undefined, all: readonly T[], what: string): T[] {
  if (!list) return [...all];
  const wanted = list
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
  for (const w of wanted) {
    if (!all.some((a) => a.toLowerCase() === w)) throw new Error(`unknown ${what} "${w}" (have: ${all.join(', ')})`);
  }
  return all.filter((a) => wanted.includes(a.toLowerCase()));
}

const OPTIONS = {
  runs: { type: 'string', default: '3' },
  n: { type: 'string', default: '10000' },
  only: { type: 'string' },
  family: { type: 'string' },
  systems: { type: 'string' },
  'latency-iters': { type: 'string' },
  'sse-subscribers': { type: 'string', default: '1000' },
  'http-concurrency': { type: 'string', default: '8' },
  'budget-s': { type: 'string', default: '10' },
  'poll-ms': { type: 'string', default: '1' },
  'pg-url': { type: 'string', default: process.env.WAITLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
  'redis-url': { type: 'string', default: process.env.WAITLINE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
  out: { type: 'string', default: 'latest' },
  validate: { type: 'boolean', default: false },
  'no-warmup': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

function outName(v: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(v) || v.startsWith('.')) throw new Error('--out must be a file name (letters, digits, . _ -)');
  return v;
}

export function parseSettings(raw: string[]): Settings {
  // `pnpm bench -- --n 2000` forwards the `--` too.
  const argv = raw.filter((a, i) => !(i === 0 && a === '--'));
  const { values: a } = parseArgs({ args: argv, options: OPTIONS });
  if (a.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const n = int(a.n, 'n', 10);
  const families = pick(a.family, FAMILIES, 'family');
  const chosen = a.systems
    ? matchSystems(
        a.systems
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
    : SYSTEM_IDS;
  return {
    argv,
    runs: int(a.runs, 'runs', 1),
    params: {
      n,
      latencyIters: a['latency-iters'] ? int(a['latency-iters'], 'latency-iters', 1) : Math.max(50, Math.round(n / 10)),
      positionSamples: 200,
      timeoutMs: 120_000,
      budgetMs: int(a['budget-s'], 'budget-s', 1) * 1000,
      hugeLevel: true,
      sseSubscribers: int(a['sse-subscribers'], 'sse-subscribers', 1),
      httpConcurrency: int(a['http-concurrency'], 'http-concurrency', 1),
      pgUrl: a['pg-url'],
    },
    options: { pollMs: int(a['poll-ms'], 'poll-ms', 0), validate: a.validate },
    warmup: !a['no-warmup'],
    scenarioIds: pick(
      a.only,
      SCENARIOS.map((s) => s.id),
      'scenario',
    ),
    families: families.filter((f) => chosen.some((id) => systemFamily(id) === f)),
    systemIds: chosen.filter((id) => families.includes(systemFamily(id))),
    servers: { pgUrl: a['pg-url'], redisUrl: a['redis-url'] },
    out: outName(a.out),
  };
}
