/**
 * The last hour of a queue (`GET /queues/:queue/history`) as uPlot charts: throughput, wait time,
 * run time, and the waits users were told against the waits they had. Each chart fills its
 * container's width (down to a phone's) and says in text what it shows, for screen readers.
 * @module
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { formatDuration } from './format.js';
import { html } from './html.js';
import type { History } from './types.js';

const HEIGHT = 170;
const COLORS = { blue: '#2f6fdf', red: '#d0453a', amber: '#c98a00', green: '#2e9d5b' };

/** One line (or bar) series of a chart. */
interface SeriesSpec {
  label: string;
  color: string;
  kind: 'line' | 'bars' | 'points';
}

/** A chart: its series and how its y values read. */
interface ChartSpec {
  id: string;
  title: string;
  series: SeriesSpec[];
  unit: 'count' | 'ms';
}

/** Columns for uPlot: x in Unix seconds, then one column per series. */
type Columns = [number[], ...(number | null)[][]];

const bars = uPlot.paths.bars?.({ size: [0.6, 24] });

function sparse(u: uPlot, seriesIdx: number): boolean {
  const values = u.data[seriesIdx] ?? [];
  let count = 0;
  for (const v of values) if (v !== null && v !== undefined) count++;
  return count <= 20;
}

function seriesOptions(spec: SeriesSpec, unit: ChartSpec['unit']): uPlot.Series {
  const value = (_u: uPlot, v: number | null) => (v === null ? '–' : unit === 'ms' ? formatDuration(v) : String(v));
  const base: uPlot.Series = { label: spec.label, stroke: spec.color, width: 2, value, spanGaps: false };
  if (spec.kind === 'bars') return { ...base, fill: `${spec.color}99`, ...(bars === undefined ? {} : { paths: bars }) };
  if (spec.kind === 'points') return { ...base, paths: () => null, points: { show: true, size: 7, fill: spec.color } };
  // Dots while the series has few values (uPlot hides them on a dense x axis), so a lone minute shows.
  return { ...base, points: { show: sparse, size: 6, fill: spec.color } };
}

/** Tick steps: whole jobs for counts (1, 2, 5 per decade up to a billion); round durations for times (up to 30 days). */
/** @internal */
export const COUNT_INCRS = Array.from({ length: 10 }, (_, d) => [1, 2, 5].map((m) => m * 10 ** d)).flat();
const HOUR = 36e5;
/** @internal */
export const MS_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5].concat(
  [1, 2, 4, 6, 12, 24, 48, 168, 720].map((h) => h * HOUR),
);

/** The x range (Unix seconds) a chart shows: its history's window, read when uPlot asks. */
type Span = () => [number, number];

/**
 * The history's window with half a minute of room on each side, so the first and last minutes'
 * bars show whole; the same for every chart, whatever its points (one point alone would make
 * uPlot span years). @internal
 */
export function xRange(span: Span): uPlot.Range.Function {
  return () => {
    const [from, to] = span();
    return [from - 30, to + 30];
  };
}

function chartOptions(spec: ChartSpec, width: number, span: Span): uPlot.Options {
  const axis = { stroke: '#7a8291', grid: { stroke: '#7a829133', width: 1 }, ticks: { stroke: '#7a829155', width: 1 } };
  const yValues = (_u: uPlot, splits: number[]) => splits.map((v) => (spec.unit === 'ms' ? formatDuration(v) : String(v)));
  return {
    width,
    height: HEIGHT,
    series: [{}, ...spec.series.map((s) => seriesOptions(s, spec.unit))],
    axes: [axis, { ...axis, size: 64, values: yValues, incrs: spec.unit === 'ms' ? MS_INCRS : COUNT_INCRS }],
    scales: { x: { time: true, range: xRange(span) }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : spec.unit === 'ms' ? 1_000 : 1] } },
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
}

function Chart({ spec, data, summary, span }: { spec: ChartSpec; data: Columns; summary: string; span: [number, number] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const spanRef = useRef(span);
  spanRef.current = span;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(
      chartOptions(spec, Math.max(200, el.clientWidth), () => spanRef.current),
      data as uPlot.AlignedData,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [spec]);
  useEffect(() => plot.current?.setData(data as uPlot.AlignedData), [data]);
  return html`
    <figure class="chart" data-chart=${spec.id}>
      <figcaption id=${`${spec.id}-title`}>${spec.title}</figcaption>
      <div class="chart-canvas" ref=${box} role="img" aria-labelledby=${`${spec.id}-title`} aria-describedby=${`${spec.id}-summary`}></div>
      <p class="chart-summary muted small" id=${`${spec.id}-summary`}>${summary}</p>
    </figure>
  `;
}

const SPECS: Record<'throughput' | 'wait' | 'run' | 'predictions', ChartSpec> = {
  throughput: {
    id: 'chart-throughput',
    title: 'Finished jobs per minute',
    unit: 'count',
    // Stacked: the red bar is completed + failed, the green one in front of it the completed.
    series: [
      { label: 'failed', color: COLORS.red, kind: 'bars' },
      { label: 'completed', color: COLORS.green, kind: 'bars' },
    ],
  },
  wait: {
    id: 'chart-wait',
    title: 'Wait time',
    unit: 'ms',
    series: [
      { label: 'p50', color: COLORS.blue, kind: 'line' },
      { label: 'p95', color: COLORS.amber, kind: 'line' },
    ],
  },
  run: {
    id: 'chart-run',
    title: 'Run time',
    unit: 'ms',
    series: [
      { label: 'p50', color: COLORS.blue, kind: 'line' },
      { label: 'p95', color: COLORS.amber, kind: 'line' },
    ],
  },
  predictions: {
    id: 'chart-predictions',
    title: 'Predicted against real wait',
    unit: 'ms',
    series: [
      { label: 'predicted', color: COLORS.amber, kind: 'points' },
      { label: 'real', color: COLORS.blue, kind: 'points' },
    ],
  },
};

const seconds = (at: number) => Math.round(at / 1000);

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function percentileSummary(what: string, minutes: { p50: number | null; p95: number | null }[]): string {
  const p50 = minutes.map((m) => m.p50).filter((v): v is number => v !== null);
  const p95 = minutes.map((m) => m.p95).filter((v): v is number => v !== null);
  if (p50.length === 0) return `No ${what} yet in the last hour.`;
  const [low, high] = [formatDuration(Math.min(...p50)), formatDuration(Math.max(...p50))];
  const range = low === high ? low : `${low} to ${high}`;
  return `Median ${what} by minute: ${range}; 95th percentile up to ${formatDuration(Math.max(...p95))}.`;
}

function predictionSummary(history: History): string {
  const pairs = history.predictions.filter((p) => p.predictedWaitMs !== null && p.realWaitMs !== null);
  if (pairs.length === 0) return 'No waits to compare yet.';
  const off = pairs.map((p) => Math.abs((p.predictedWaitMs as number) - (p.realWaitMs as number)));
  return `${pairs.length} waits compared; the prediction was off by ${formatDuration(sum(off) / off.length)} on average.`;
}

/** The four charts of one queue's last hour; a short text instead when nothing finished in it. */
export function HistoryCharts({ history }: { history: History | null }) {
  if (!history) return html`<p class="muted">Loading the last hour…</p>`;
  const b = history.buckets;
  const x = b.map((k) => seconds(k.at));
  const now = seconds(Date.now());
  const span: [number, number] = [x[0] ?? now - 3600, x.at(-1) ?? now];
  const p = [...history.predictions].sort((m, n) => m.at - n.at);
  const completed = sum(b.map((k) => k.completed));
  const failed = sum(b.map((k) => k.failed));
  const empty = completed + failed === 0 && p.length === 0;
  return html`
    <div class="charts">
      ${empty ? html`<p class="muted">Nothing finished in the last hour yet: the charts fill in as jobs finish.</p>` : null}
      <${Chart} spec=${SPECS.throughput} span=${span} data=${[x, b.map((k) => k.completed + k.failed), b.map((k) => k.completed)]}
        summary=${`${completed} completed and ${failed} failed in the last hour.`} />
      <${Chart} spec=${SPECS.wait} span=${span} data=${[x, b.map((k) => k.waitMs.p50), b.map((k) => k.waitMs.p95)]}
        summary=${percentileSummary(
          'wait',
          b.map((k) => k.waitMs),
        )} />
      <${Chart} spec=${SPECS.run} span=${span} data=${[x, b.map((k) => k.runMs.p50), b.map((k) => k.runMs.p95)]}
        summary=${percentileSummary(
          'run time',
          b.map((k) => k.runMs),
        )} />
      <${Chart} spec=${SPECS.predictions} span=${span} data=${[p.map((k) => seconds(k.at)), p.map((k) => k.predictedWaitMs), p.map((k) => k.realWaitMs)]}
        summary=${predictionSummary(history)} />
    </div>
  `;
}
