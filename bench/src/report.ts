/**
 * Turns collected runs into markdown: one section per storage family, one table per scenario with
 * ratios against that family's peers, notes for runs stopped at the time budget, the Postgres
 * connection peaks, and the SQLite target check.
 */
import type { MetricDef, ScenarioDef, ScenarioParams } from './kit.js';
import { FAMILY_TITLES, type Family } from './places.js';
import { target } from './scenarios.js';
import { median, spread } from './stats.js';
import { isWaitline, type SystemId } from './systems/index.js';

export interface Cell {
  runs: Record<string, number>[];
  errors: string[];
  /** Set when the scenario does not apply to the system. */
  na?: string;
}

export type Results = Record<string, Partial<Record<SystemId, Cell>>>;

export interface SystemInfo {
  id: SystemId;
  name: string;
  family: Family;
  notes: string[];
  bulk: string;
  loadError?: string;
}

const labelOf = (m: MetricDef, p: ScenarioParams): string => (typeof m.label === 'function' ? m.label(p) : m.label);

export function med(cell: Cell | undefined, key: string): number | undefined {
  if (!cell || cell.runs.length === 0) return undefined;
  const v = cell.runs.map((r) => r[key]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length ? median(v) : undefined;
}

export function fmt(v: number | undefined, unit: string): string {
  if (v === undefined) return '—';
  if ((unit === 'jobs/s' || unit === 'B') && v >= 10) return Math.round(v).toLocaleString('en-US');
  if (unit === 'count') return String(Math.round(v));
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`);

function header(p: ScenarioParams, metrics: MetricDef[], ratioTo: SystemInfo[]): string[] {
  const cols = metrics.map((m) => {
    const label = labelOf(m, p);
    return m.unit && m.unit !== 'count' && m.unit !== label ? `${label} (${m.unit})` : label;
  });
  const head = ['system', ...cols, 'spread', ...ratioTo.map((s) => `÷ ${s.name}`)];
  return [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
}

function row(cell: Cell, s: SystemInfo, metrics: MetricDef[], ratioTo: SystemInfo[], rows: Results[string]): string {
  const primary = metrics[0] as MetricDef;
  if (cell.na) return `| ${[s.name, ...metrics.map(() => 'n/a'), '', ...ratioTo.map(() => '')].join(' | ')} |`;
  const values = metrics.map((m) => fmt(med(cell, m.key), m.unit));
  const prim = cell.runs.map((r) => r[primary.key]).filter((x): x is number => typeof x === 'number');
  const sp = prim.length > 1 ? `${(spread(prim) * 100).toFixed(0)}%` : '—';
  const ratios = ratioTo.map((o) => (o.id === s.id ? '1.00×' : ratio(med(cell, primary.key), med(rows[o.id], primary.key))));
  const name = cell.errors.length ? `${s.name} (${cell.errors.length} failed)` : s.name;
  return `| ${[name, ...values, sp, ...ratios].join(' | ')} |`;
}

function notesFor(sc: ScenarioDef, p: ScenarioParams, rows: Results[string], systems: SystemInfo[]): string[] {
  const goal = target(sc.id, p);
  const budgetNotes = systems.flatMap((s) => {
    const done = med(rows[s.id], 'done');
    if (goal === undefined || done === undefined || done >= goal) return [];
    const unit =
      sc.id === 'S5'
        ? 'samples'
        : sc.id === 'POS'
          ? 'look-ups at its largest level'
          : sc.id === 'HTTP'
            ? 'requests in its slowest region'
            : sc.id === 'SSE'
              ? 'streams'
              : 'jobs';
    return [
      `${s.name}: stopped at the ${p.budgetMs / 1000} s time budget after a median ${fmt(done, 'count')} of ${goal} ${unit}; the figures are over what it did.`,
    ];
  });
  const bulk = sc.id === 'S2' ? systems.filter((s) => s.bulk === 'none' && rows[s.id]).map((s) => `${s.name}: no bulk API, sequential adds.`) : [];
  const naNames = systems.filter((s) => rows[s.id]?.na).map((s) => s.name);
  const na = naNames.length ? [`no position API: ${naNames.join(', ')}.`] : [];
  const own =
    sc.notes?.(
      p,
      systems.filter((s) => rows[s.id] && !rows[s.id]?.na).map((s) => ({ name: s.name, median: (key: string) => med(rows[s.id], key) })),
    ) ?? [];
  const errs = systems.flatMap((s) => (rows[s.id]?.errors ?? []).slice(0, 1).map((e) => `${s.name} error: \`${e.split('\n')[0]}\``));
  return [...budgetNotes, ...bulk, ...na, ...own, ...errs];
}

/** One scenario's table for one family's systems; empty when none of them takes part. */
export function scenarioTable(sc: ScenarioDef, p: ScenarioParams, results: Results, systems: SystemInfo[], runs: number): string {
  const rows = results[sc.id] ?? {};
  const present = systems.filter((s) => rows[s.id]);
  if (!present.some((s) => !rows[s.id]?.na)) return '';
  // Drop metric columns no system of this family has (e.g. the 100·n position level).
  const metrics = sc.metrics.filter((m, k) => k === 0 || present.some((s) => med(rows[s.id], m.key) !== undefined));
  const primary = metrics[0] as MetricDef;
  const withRatios = sc.id !== 'POS' && sc.id !== 'MEM' && !sc.noRatios;
  const ratioTo = withRatios ? present.filter((s) => !rows[s.id]?.na && !isWaitline(s.id)) : [];
  const primaryLabel = labelOf(primary, p);
  const lines = [
    `### ${sc.title}`,
    '',
    `${sc.describe(p)}. Median of ${runs} run${runs === 1 ? '' : 's'}; ${primary.better} is better; ${
      withRatios ? `"÷ X" = this row's ${primaryLabel} ÷ X's; ` : ''
    }spread = (max − min) ÷ median of ${primaryLabel} across runs.`,
    '',
    ...header(p, metrics, ratioTo),
    ...present.map((s) => row(rows[s.id] as Cell, s, metrics, ratioTo, rows)),
  ];
  const notes = notesFor(sc, p, rows, present);
  if (notes.length) lines.push('', ...notes.map((x) => `- ${x}`));
  return lines.join('\n');
}

/** Peak connections per (system, scenario), Postgres only; measured from outside by the runner. */
export function connectionTable(scenarios: ScenarioDef[], results: Results, systems: SystemInfo[]): string {
  const ids = scenarios.map((s) => s.id).filter((id) => systems.some((s) => med(results[id]?.[s.id], 'peakConns') !== undefined));
  if (!ids.length) return '';
  const lines = [
    '### Connections held',
    '',
    'Most connections a system held at once during the timed scenario (median over runs), counted by the runner from',
    '`pg_stat_activity` every 10 ms by the `application_name` of the place (set in the connection string).',
    '',
    `| system | ${ids.join(' | ')} |`,
    `| --- | ${ids.map(() => '---:').join(' | ')} |`,
  ];
  for (const s of systems) {
    lines.push(`| ${s.name} | ${ids.map((id) => fmt(med(results[id]?.[s.id], 'peakConns'), 'count')).join(' | ')} |`);
  }
  return lines.join('\n');
}

type Verdict = 'met' | 'not met' | 'not measured';

export function targets(results: Results, p: ScenarioParams): string {
  const o = (sc: string, sys: SystemId, key = 'jobsPerSec'): number | undefined => med(results[sc]?.[sys], key);
  const w = (sc: string, key = 'jobsPerSec'): number | undefined => o(sc, 'waitline-sqlite', key);
  const rows: [string, Verdict, string][] = [];
  const vs = (sc: string, sys: SystemId, min: number, what: string, ours: SystemId = 'waitline-sqlite'): void => {
    const a = o(sc, ours);
    const b = o(sc, sys);
    if (a === undefined || b === undefined) rows.push([what, 'not measured', '']);
    else rows.push([what, a / b >= min ? 'met' : 'not met', `${(a / b).toFixed(2)}× (${fmt(a, 'jobs/s')} vs ${fmt(b, 'jobs/s')} jobs/s)`]);
  };
  vs('S1', 'plainjob', 1.2, 'S1 ≥ 1.2× plainjob');
  vs('S1', 'raw-sqlite', 0.8, 'S1 ≥ 80% of raw insert');
  vs('S2', 'plainjob', 1, 'S2 ≥ plainjob');
  vs('S3', 'plainjob', 2, 'S3 ≥ 2× plainjob');
  vs('S4', 'plainjob', 2, 'S4 ≥ 2× plainjob');
  // The opt-in prefetch row, when it ran: the same drain targets with each worker holding jobs ahead.
  if (o('S3', 'waitline-sqlite-prefetch') !== undefined || o('S4', 'waitline-sqlite-prefetch') !== undefined) {
    vs('S3', 'plainjob', 2, 'S3 ≥ 2× plainjob, with prefetch 100 (opt-in)', 'waitline-sqlite-prefetch');
    vs('S4', 'plainjob', 2, 'S4 ≥ 2× plainjob, with prefetch 100 (opt-in)', 'waitline-sqlite-prefetch');
  }
  const p50 = w('S5', 'p50');
  rows.push(['S5 p50 ≤ 1 ms', p50 === undefined ? 'not measured' : p50 <= 1 ? 'met' : 'not met', p50 === undefined ? '' : `${fmt(p50, 'ms')} ms`]);
  const size = (p.n * 10).toLocaleString('en-US');
  const full = p.n * 10 === 100_000;
  // A look-up target holds at 100,000 waiting jobs: a scaled run reports its figure, no verdict.
  const atLargest = (key: string, maxMs: number, what: string): void => {
    const v = w('POS', key);
    rows.push([
      what,
      v === undefined || !full ? 'not measured' : v <= maxMs ? 'met' : 'not met',
      v === undefined ? '' : `${fmt(v, 'ms')} ms at ${size}${full ? '' : ' (scaled run; target is at 100,000)'}`,
    ]);
  };
  atLargest('largeP50', 5, 'position p50 ≤ 5 ms at 100,000');
  atLargest('largeStatusP50', 10, 'status (position and ETA) p50 ≤ 10 ms at 100,000');
  return [
    '| target | verdict | observed (medians) |',
    '| --- | --- | --- |',
    ...rows.map(([t, v, obs]) => `| ${t} | ${v === 'met' ? '**met**' : v} | ${obs} |`),
  ].join('\n');
}

export interface FamilySection {
  family: Family;
  /** Server version, or why the family was skipped. */
  server: string;
  skipped?: string;
  systems: SystemInfo[];
}

/** The markdown section of one family: its tables, or a loud note when it was skipped. */
export function familySection(f: FamilySection, scenarios: ScenarioDef[], p: ScenarioParams, results: Results, runs: number): string {
  const title = `## ${FAMILY_TITLES[f.family]}`;
  if (f.skipped) return [title, '', `> **SKIPPED: ${f.skipped}**`, ''].join('\n');
  const tables = scenarios.map((sc) => scenarioTable(sc, p, results, f.systems, runs)).filter(Boolean);
  const extra = f.family === 'postgres' ? connectionTable(scenarios, results, f.systems) : '';
  const tgt = f.family === 'sqlite' && f.systems.some((s) => s.id === 'waitline-sqlite') ? ['### Targets (Waitline-SQLite)', '', targets(results, p), ''] : [];
  const settings = f.systems.flatMap((s) => [
    `- **${s.name}**${s.loadError ? ` — SKIPPED, could not be loaded: ${s.loadError.split('\n')[0]}` : ''}`,
    ...s.notes.map((x) => `  - ${x}`),
  ]);
  return [title, '', f.server, '', ...tables.flatMap((t) => [t, '']), ...(extra ? [extra, ''] : []), ...tgt, '### Settings used', '', ...settings, ''].join(
    '\n',
  );
}
