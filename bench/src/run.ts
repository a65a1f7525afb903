/**
 * `pnpm bench`: runs every selected system through every selected scenario, family by family
 * (SQLite, PostgreSQL, Redis), each measurement in a fresh child process on a fresh place (temp
 * file, schema, key prefix), interleaving a family's systems within each run, and prints the
 * medians as markdown tables per family (also written to bench/results/latest.md and
 * latest.json, or --out NAME). A family whose server does not answer is skipped with a loud note. Options: cli.ts.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { ChildJob, ChildResult } from './child.js';
import { parseSettings, type Settings } from './cli.js';
import type { ScenarioDef } from './kit.js';
import { ConnectionWatcher } from './monitor.js';
import { deleteKeys, dropSchemas, FAMILY_TITLES, type Family, PLACE_PREFIX, serverVersion, unreachable } from './places.js';
import { type Cell, type FamilySection, familySection, fmt, med, type Results, type SystemInfo } from './report.js';
import { SCENARIOS } from './scenarios.js';
import { loadSystem, type SystemId, systemFamily, systemName } from './systems/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const settings: Settings = parseSettings(process.argv.slice(2));
const { runs, params, options, warmup, servers } = settings;
const scenarios = SCENARIOS.filter((s) => settings.scenarioIds.includes(s.id));
const runTag = Date.now().toString(36);
let childCount = 0;

const log = (msg: string): void => {
  process.stderr.write(`${msg}\n`);
};

/** Checks each family's server; returns one section per family, skipped ones marked. */
async function checkFamilies(): Promise<FamilySection[]> {
  const out: FamilySection[] = [];
  for (const family of settings.families) {
    const why = await unreachable(family, servers);
    const where = family === 'postgres' ? servers.pgUrl : family === 'redis' ? servers.redisUrl : '';
    if (why) {
      const skipped = `${FAMILY_TITLES[family]} at ${where} is unreachable (${why}); its systems were not measured.`;
      log(`\n!!!!! ${skipped}\n`);
      out.push({ family, server: '', skipped, systems: [] });
      continue;
    }
    const v = await serverVersion(family, servers);
    const server = family === 'sqlite' ? sqliteLine() : `${FAMILY_TITLES[family]} ${v} at ${where}`;
    out.push({ family, server, systems: [] });
  }
  return out;
}

/** Load each system in this process only to read its notes and which scenarios apply. */
async function describeSystems(sections: FamilySection[], results: Results): Promise<void> {
  for (const sec of sections.filter((s) => !s.skipped)) {
    for (const id of settings.systemIds.filter((x) => systemFamily(x) === sec.family)) {
      let info: SystemInfo;
      let cellFor: (sc: ScenarioDef) => Cell | undefined;
      try {
        const s = await loadSystem(id, options);
        info = { id, name: s.name, family: s.family, notes: s.notes, bulk: s.bulk };
        cellFor = (sc) => {
          if (sc.id === 'MEM' && s.family !== 'redis') return undefined;
          if (sc.onlyWhereApplies && !sc.applies(s)) return undefined;
          return sc.applies(s) ? { runs: [], errors: [] } : { runs: [], errors: [], na: 'no position API' };
        };
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        info = { id, name: systemName(id), family: sec.family, notes: [], bulk: 'none', loadError: msg };
        log(`! ${systemName(id)} skipped, could not be loaded: ${msg.split('\n')[0]}`);
        cellFor = () => undefined;
      }
      sec.systems.push(info);
      for (const sc of scenarios) {
        const cell = cellFor(sc);
        if (cell) (results[sc.id] as Partial<Record<SystemId, Cell>>)[id] = cell;
      }
    }
  }
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
    // 'close', not 'exit': the report may still be in the IPC channel when 'exit' fires.
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve(result ?? { ok: false, error: `child exited with ${signal ?? code} before reporting` });
    });
  });
}

/** Removes whatever a child left behind (it cleans up itself unless it crashed). */
async function sweep(family: Family, tag: string): Promise<void> {
  if (family === 'postgres') await dropSchemas(servers.pgUrl, `${PLACE_PREFIX}${tag}_`);
  if (family === 'redis') await deleteKeys(servers.redisUrl, `${PLACE_PREFIX}${tag}-`);
}

async function measure(s: SystemInfo, sc: ScenarioDef, r: number, watcher: ConnectionWatcher | undefined): Promise<ChildResult> {
  const tag = `${runTag}_${childCount++}`;
  const p = { ...params, hugeLevel: r === 0 };
  const job: ChildJob = { system: s.id, family: s.family, scenario: sc.id, params: p, options, warmup, servers, tag };
  const watch = s.family === 'postgres' ? await watcher?.watch(tag) : undefined;
  const res = await runChild(job);
  const peak = await watch?.stop();
  await sweep(s.family, tag).catch((e: unknown) => log(`! cleanup of ${tag} failed: ${String(e)}`));
  if (res.ok && peak !== undefined) res.metrics.peakConns = peak;
  return res;
}

async function runAll(sections: FamilySection[], results: Results): Promise<void> {
  const pg = sections.some((s) => s.family === 'postgres' && !s.skipped) ? new ConnectionWatcher(servers.pgUrl) : undefined;
  try {
    for (let r = 0; r < runs; r++) {
      for (const sec of sections.filter((x) => !x.skipped)) {
        for (const sc of scenarios) {
          // Rotate the system order each run so no system always goes first.
          const order = sec.systems.map((_, k) => sec.systems[(k + r) % sec.systems.length] as SystemInfo);
          for (const s of order) {
            const cell = results[sc.id]?.[s.id];
            if (!cell || cell.na || s.loadError) continue;
            const t0 = Date.now();
            const res = await measure(s, sc, r, pg);
            const secs = ((Date.now() - t0) / 1000).toFixed(1);
            const head = `[run ${r + 1}/${runs}] ${sc.id} ${s.name}`;
            if (res.ok) {
              cell.runs.push(res.metrics);
              const m = sc.metrics[0];
              log(`${head}: ${m ? `${fmt(res.metrics[m.key], m.unit)} ${m.unit}` : ''} (${secs} s)`);
            } else {
              cell.errors.push(res.error);
              log(`${head}: FAILED (${secs} s): ${res.error.split('\n')[0]}`);
            }
          }
        }
      }
    }
  } finally {
    await pg?.close();
  }
}

function sqliteLine(): string {
  const db = new Database(':memory:');
  const v = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  db.close();
  return `SQLite ${v} (better-sqlite3 12.11.1); temp DB files in the OS temp dir`;
}

function machine(): string[] {
  const cpu = cpus();
  return [
    `- CPU: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown'}; ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ${platform()} ${release()}; Node ${process.version}`,
    `- n = ${params.n.toLocaleString('en-US')}, ${runs} run(s) per cell, S5 samples (and HTTP requests per region) = ${params.latencyIters}, SSE streams = ${params.sseSubscribers}, time budget per timed loop = ${params.budgetMs / 1000} s, SQLite peers' idle poll = ${options.pollMs} ms, payload validation ${options.validate ? 'on' : 'off'}, warm-up ${warmup ? 'on' : 'off'}`,
  ];
}

/** Waitline-Postgres: the most connections held in any scenario, in its notes. */
function noteConnections(sections: FamilySection[], results: Results): void {
  const info = sections.flatMap((s) => s.systems).find((s) => s.id === 'waitline-postgres');
  if (!info || info.loadError) return;
  const peaks = scenarios.map((sc) => med(results[sc.id]?.[info.id], 'peakConns')).filter((x): x is number => x !== undefined);
  if (peaks.length)
    info.notes.push(
      `most connections held at once (any scenario, median of runs): ${Math.max(...peaks)}; configured pool size: the package default, poolSize 10 (DEFAULT_POOL_SIZE in packages/postgres/src/connection.ts) plus one LISTEN connection`,
    );
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: Results = Object.fromEntries(scenarios.map((sc) => [sc.id, {}]));
  const sections = await checkFamilies();
  await describeSystems(sections, results);
  log(`waitline bench: n=${params.n}, runs=${runs}, scenarios=${settings.scenarioIds.join(',')}, families=${settings.families.join(',')}`);
  await runAll(sections, results);
  noteConnections(sections, results);
  const elapsed = ((Date.now() - started) / 1000).toFixed(0);
  const cmd = `pnpm bench${settings.argv.length ? ` ${settings.argv.join(' ')}` : ''}`;
  const skipped = sections.filter((s) => s.skipped).map((s) => `> **${s.skipped}**`);
  const md = [
    '# Waitline benchmark results',
    '',
    `Command: \`${cmd}\` — ${new Date().toISOString()}, ${elapsed} s wall.`,
    '',
    ...machine(),
    '',
    ...(skipped.length ? [...skipped, ''] : []),
    'Ratios compare systems of the same storage family only.',
    '',
    ...sections.map((sec) => familySection(sec, scenarios, params, results, runs)),
  ].join('\n');
  console.log(md);
  const outDir = join(here, '..', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${settings.out}.md`), md);
  const json = { params, options, warmup, runs, families: sections, results };
  writeFileSync(join(outDir, `${settings.out}.json`), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${join(outDir, `${settings.out}.md`)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
