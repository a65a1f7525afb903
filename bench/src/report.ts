/** Turns collected runs into markdown tables, ratios and the target check. */
import type { MetricDef, ScenarioDef, ScenarioParams } from './scenarios.js';
import { median, spread } from './stats.js';
import type { SystemId } from './systems/index.js';

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
  if (unit === 'jobs/s') return Math.round(v).toLocaleString('en-US');
  if (unit === 'count') return String(Math.round(v));
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`;

export function scenarioTable(
  sc: ScenarioDef,
  p: ScenarioParams,
  results: Results,
  systems: SystemInfo[],
  runs: number,
): string {
  const rows = results[sc.id] ?? {};
  const primary = sc.metrics[0] as MetricDef;
  const applicable = systems.filter((s) => rows[s.id] && !rows[s.id]?.na);
  const ratioTo = applicable.filter((s) => s.id !== 'waitline');
  const metricCols = sc.metrics.map((m) => {
    const label = labelOf(m, p);
    return m.unit && m.unit !== 'count' && m.unit !== label ? `${label} (${m.unit})` : label;
  });
  const primaryLabel = labelOf(primary, p);
  const withRatios = sc.id !== 'POS';
  const ratioCols = withRatios ? ratioTo.map((s) => `÷ ${s.name}`) : [];
  const head = ['system', ...metricCols, 'spread', ...ratioCols];
  const lines = [
    `### ${sc.title}`,
    '',
    `${sc.describe(p)}. Median of ${runs} run${runs === 1 ? '' : 's'}; ${primary.better} is better; ${
      withRatios ? `"÷ X" = this row's ${primaryLabel} ÷ X's; ` : ''
    }spread = (max − min) ÷ median of ${primaryLabel} across runs.`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const s of systems) {
    const cell = rows[s.id];
    if (!cell) continue;
    if (cell.na) {
      lines.push(`| ${[s.name, ...sc.metrics.map(() => 'n/a'), '', ...ratioCols.map(() => '')].join(' | ')} |`);
      continue;
    }
    const values = sc.metrics.map((m) => fmt(med(cell, m.key), m.unit));
    const prim = cell.runs.map((r) => r[primary.key]).filter((x): x is number => typeof x === 'number');
    const sp = prim.length > 1 ? `${(spread(prim) * 100).toFixed(0)}%` : '—';
    const ratios = !withRatios
      ? []
      : ratioTo.map((o) => (o.id === s.id ? '1.00×' : ratio(med(cell, primary.key), med(rows[o.id], primary.key))));
    const name = cell.errors.length ? `${s.name} (${cell.errors.length} failed)` : s.name;
    lines.push(`| ${[name, ...values, sp, ...ratios].join(' | ')} |`);
  }
  const bulkNotes =
    sc.id === 'S2'
      ? systems
          .filter((s) => s.bulk === 'none' && rows[s.id])
          .map((s) => `${s.name}: no bulk API, sequential adds.`)
      : [];
  const errs = systems.flatMap((s) =>
    (rows[s.id]?.errors ?? []).slice(0, 1).map((e) => `${s.name} error: \`${e.split('\n')[0]}\``),
  );
  const naNotes = systems.filter((s) => rows[s.id]?.na).map((s) => `${s.name}: ${rows[s.id]?.na}.`);
  const notes = [...bulkNotes, ...naNotes, ...errs];
  if (notes.length) lines.push('', ...notes.map((x) => `- ${x}`));
  return lines.join('\n');
}

type Verdict = 'met' | 'not met' | 'not measured';

export function targets(results: Results, p: ScenarioParams): string {
  const w = (sc: string, key = 'jobsPerSec'): number | undefined => med(results[sc]?.waitline, key);
  const o = (sc: string, sys: SystemId, key = 'jobsPerSec'): number | undefined => med(results[sc]?.[sys], key);
  const rows: [string, Verdict, string][] = [];
  const vs = (sc: string, sys: SystemId, min: number, what: string): void => {
    const a = w(sc);
    const b = o(sc, sys);
    if (a === undefined || b === undefined) rows.push([what, 'not measured', '']);
    else rows.push([what, a / b >= min ? 'met' : 'not met', `${(a / b).toFixed(2)}× (${fmt(a, 'jobs/s')} vs ${fmt(b, 'jobs/s')} jobs/s)`]);
  };
  vs('S1', 'plainjob', 1.2, 'S1 ≥ 1.2× plainjob');
  vs('S1', 'raw', 0.8, 'S1 ≥ 80% of raw insert');
  vs('S2', 'plainjob', 1, 'S2 ≥ plainjob');
  vs('S3', 'plainjob', 2, 'S3 ≥ 2× plainjob');
  vs('S4', 'plainjob', 2, 'S4 ≥ 2× plainjob');
  const p50 = w('S5', 'p50');
  rows.push([
    'S5 p50 ≤ 1 ms',
    p50 === undefined ? 'not measured' : p50 <= 1 ? 'met' : 'not met',
    p50 === undefined ? '' : `${fmt(p50, 'ms')} ms`,
  ]);
  const pos = w('POS', 'largeP50');
  const size = (p.n * 10).toLocaleString('en-US');
  const full = p.n * 10 === 100_000;
  rows.push([
    'position p50 ≤ 5 ms at 100,000',
    pos === undefined || !full ? 'not measured' : pos <= 5 ? 'met' : 'not met',
    pos === undefined ? '' : `${fmt(pos, 'ms')} ms at ${size}${full ? '' : ' (scaled run; target is at 100,000)'}`,
  ]);
  return [
    '| target | verdict | observed (medians) |',
    '| --- | --- | --- |',
    ...rows.map(([t, v, obs]) => `| ${t} | ${v === 'met' ? '**met**' : v} | ${obs} |`),
  ].join('\n');
}
