/**
 * The figures a chaos run measures (lost, run twice, resume time, classification counts, shares):
 * printed as each test ends and merged into `.vitest/chaos-figures.json` at the repository root,
 * from which `docs/reliability.md` is written. Test files run one at a time (see the vitest
 * config), so the read-merge-write never races.
 * @internal
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCALE } from './scale.js';

/** Where the figures go. */
export const FIGURES_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.vitest', 'chaos-figures.json');

/** Records one scenario's figures for one storage (replacing an earlier record under the same key). */
export function recordFigures(scenario: string, storage: string, figures: Record<string, unknown>): void {
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(FIGURES_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    // First record of the run.
  }
  all[`${scenario} / ${storage}`] = { scale: SCALE, at: new Date().toISOString(), ...figures };
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  writeFileSync(FIGURES_FILE, `${JSON.stringify(all, null, 2)}\n`);
  const { byFamily: _f, examples: _e, ...brief } = figures;
  console.log(`[chaos] ${scenario} / ${storage} (scale ${SCALE}): ${JSON.stringify(brief)}`);
}

/** Prints rows as an aligned text table (the classifier's and the fair-share report's). */
export function printTable(title: string, rows: ReadonlyArray<Record<string, string | number>>): void {
  const first = rows[0];
  if (!first) return;
  const cols = Object.keys(first);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(width[i] ?? 0)).join('  ');
  const out = [title, line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c] ?? ''))))];
  console.log(out.join('\n'));
}
