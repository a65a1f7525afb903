/**
 * `pnpm bench`: runs every selected system through every selected scenario, each measurement in
 * a fresh child process on fresh temp DB files, interleaving systems within each run, and prints
 * the medians as markdown tables (also written to bench/results/latest.md and latest.json).
 *
 *   --runs N        runs per (system, scenario), default 3; the table shows medians
 *   --n N           jobs per scenario, default 10000 (position: N and 10·N waiting jobs)
 *   --only S1,S3    scenarios: S1 S2 S3 S4 S5 POS
 *   --systems a,b   systems: waitline plainjob liteque raw
 *   --latency-iters N   S5 samples, default n/10 (1000)
 *   --poll-ms N     idle poll interval of the poll-based peers, default 1
 *   --validate      validate payloads with zod where the system can (Waitline, liteque)
 *   --no-warmup     skip the in-process warm-up before each measurement
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { ChildJob, ChildResult } from './child.js';
import { type Cell, type Results, type SystemInfo, fmt, scenarioTable, targets } from './report.js';
import { SCENARIOS, type ScenarioParams } from './scenarios.js';
import { SYSTEM_IDS, SYSTEM_NAMES, type SystemId, loadSystem } from './systems/index.js';
import type { SystemOptions } from './systems/types.js';

const here = dirname(fileURLToPath(import.meta.url));

// `pnpm bench -- --n 2000` forwards the `--` too.
const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));

const { values: args } = parseArgs({
  args: argv,
  options: {
    runs: { type: 'string', default: '3' },
    n: { type: 'string', default: '10000' },
    only: { type: 'string' },
    systems: { type: 'string' },
    'latency-iters': { type: 'string' },
    'poll-ms': { type: 'string', default: '1' },
    validate: { type: 'boolean', default: false },
    'no-warmup': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log('usage: pnpm bench [--runs N] [--n N] [--only S1,S2,S3,S4,S5,POS] [--systems waitline,plainjob,liteque,raw]');
  console.log('                  [--latency-iters N] [--poll-ms N] [--validate] [--no-warmup]');
  process.exit(0);
}

const int = (v: string | undefined, name: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return n;
};

const runs = int(args.runs, 'runs', 1);
const n = int(args.n, 'n', 10);
const params: ScenarioParams = {
  n,
  latencyIters: args['latency-iters'] ? int(args['latency-iters'], 'latency-iters', 1) : Math.max(50, Math.round(n / 10)),
  positionSamples: 200,
  timeoutMs: 120_000,
};
const options: SystemOptions = { pollMs: int(args['poll-ms'], 'poll-ms', 0), validate: args.validate };
const warmup = !args['no-warmup'];

const pick = <T extends string>(list: string | undefined, all: readonly T[], what: string): T[] => {
  if (!list) return [...all];
  const wanted = list.split(',').map((x) => x.trim()).filter(Boolean);
  for (const w of wanted) {
    if (!all.some((a) => a.toLowerCase() === w.toLowerCase())) throw new Error(`unknown ${what} "${w}" (have: ${all.join(', ')})`);
  }
  return all.filter((a) => wanted.some((w) => w.toLowerCase() === a.toLowerCase()));
};

const scenarioIds = pick(args.only, SCENARIOS.map((s) => s.id), 'scenario');
const scenarios = SCENARIOS.filter((s) => scenarioIds.includes(s.id));
const systemIds = pick<SystemId>(args.systems, SYSTEM_IDS, 'system');

const log = (msg: string): void => {
  process.stderr.write(`${msg}\n`);
};

/** Load each system in this process only to read its notes and which scenarios apply. */
async function describeSystems(): Promise<{ infos: SystemInfo[]; positionApi: Set<SystemId> }> {
  const infos: SystemInfo[] = [];
  const positionApi = new Set<SystemId>();
  for (const id of systemIds) {
    try {
      const s = await loadSystem(id, options);
      infos.push({ id, name: s.name, notes: s.notes, bulk: s.bulk });
      if (typeof s.getPosition === 'function') positionApi.add(id);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      infos.push({ id, name: SYSTEM_NAMES[id], notes: [], bulk: 'none', loadError: msg });
      log(`! ${SYSTEM_NAMES[id]} could not be loaded: ${msg.split('\n')[0]}`);
    }
  }
  return { infos, positionApi };
}

function runChild(job: ChildJob): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = fork(join(here, 'child.ts'), [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: ChildResult | undefined;
    const killer = setTimeout(() => {
      result ??= { ok: false, error: 'child timed out after 600 s' };
      child.kill('SIGKILL');
    }, 600_000);
    child.on('message', (m) => {
      result = m as ChildResult;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve(result ?? { ok: false, error: `child exited with ${signal ?? code} before reporting` });
    });
  });
}

function machine(): string[] {
  const db = new Database(':memory:');
  const sqlite = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  db.close();
  const cpu = cpus();
  return [
    `- CPU: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown'}; ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ${platform()} ${release()}`,
    `- Node ${process.version}; SQLite ${sqlite} (better-sqlite3 12.11.1); temp DB files in the OS temp dir`,
  ];
}

async function main(): Promise<void> {
  const started = Date.now();
  const { infos, positionApi } = await describeSystems();
  const results: Results = {};
  for (const sc of scenarios) {
    results[sc.id] = {};
    for (const s of infos) {
      const cell: Cell = { runs: [], errors: [] };
      if (sc.id === 'POS' && !s.loadError && !positionApi.has(s.id)) cell.na = 'no position API';
      if (s.loadError) cell.errors.push(`could not load: ${s.loadError}`);
      (results[sc.id] as Record<string, Cell>)[s.id] = cell;
    }
  }
  log(`waitline bench: n=${n}, runs=${runs}, scenarios=${scenarioIds.join(',')}, systems=${systemIds.join(',')}`);
  for (let r = 0; r < runs; r++) {
    for (const sc of scenarios) {
      // Rotate the system order each run so no system always goes first.
      const order = infos.map((_, k) => infos[(k + r) % infos.length] as SystemInfo);
      for (const s of order) {
        const cell = results[sc.id]?.[s.id] as Cell;
        if (cell.na || s.loadError) continue;
        const t0 = Date.now();
        const res = await runChild({ system: s.id, scenario: sc.id, params, options, warmup });
        const secs = ((Date.now() - t0) / 1000).toFixed(1);
        if (res.ok) {
          cell.runs.push(res.metrics);
          const m = sc.metrics[0];
          log(`[run ${r + 1}/${runs}] ${sc.id} ${s.name}: ${m ? `${fmt(res.metrics[m.key], m.unit)} ${m.unit}` : ''} (${secs} s)`);
        } else {
          cell.errors.push(res.error);
          log(`[run ${r + 1}/${runs}] ${sc.id} ${s.name}: FAILED (${secs} s): ${res.error.split('\n')[0]}`);
        }
      }
    }
  }
  const elapsed = ((Date.now() - started) / 1000).toFixed(0);
  const cmd = `pnpm bench${argv.length ? ` ${argv.join(' ')}` : ''}`;
  const md = [
    '# Waitline benchmark results',
    '',
    `Command: \`${cmd}\` — ${new Date().toISOString()}, ${elapsed} s wall.`,
    '',
    ...machine(),
    `- n = ${n.toLocaleString('en-US')}, ${runs} run(s) per cell, S5 samples = ${params.latencyIters}, peers' idle poll = ${options.pollMs} ms, payload validation ${options.validate ? 'on' : 'off'}, warm-up ${warmup ? 'on' : 'off'}`,
    '',
    ...scenarios.flatMap((sc) => [scenarioTable(sc, params, results, infos, runs), '']),
    '### Targets (Waitline-SQLite)',
    '',
    targets(results, params),
    '',
    '### Settings used',
    '',
    ...infos.flatMap((s) => [`- **${s.name}**${s.loadError ? ` — not loaded: ${s.loadError.split('\n')[0]}` : ''}`, ...s.notes.map((x) => `  - ${x}`)]),
    '',
  ].join('\n');
  console.log(md);
  const outDir = join(here, '..', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.md'), md);
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify({ params, options, warmup, runs, results }, null, 2)}\n`);
  log(`wrote ${join(outDir, 'latest.md')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
