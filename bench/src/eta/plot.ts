/**
 * The replay's picture: predicted against real wait at the moment of add, log-log, one colour per
 * estimator, with the line where a prediction is exact. A plain SVG string, no dependency.
 * @module
 */

/** One series of points (ms, ms). */
export interface Series {
  label: string;
  colour: string;
  points: Array<[real: number, predicted: number]>;
}

const SIZE = 520;
const PAD = 56;
const MIN = 1_000;

function scale(maxMs: number): (ms: number) => number {
  const lo = Math.log10(MIN);
  const hi = Math.log10(Math.max(maxMs, MIN * 10));
  return (ms) => PAD + ((Math.log10(Math.max(ms, MIN)) - lo) / (hi - lo)) * (SIZE - 2 * PAD);
}

function ticks(maxMs: number, at: (ms: number) => number): string[] {
  const out: string[] = [];
  const labels: Array<[number, string]> = [
    [1_000, '1s'],
    [10_000, '10s'],
    [60_000, '1m'],
    [600_000, '10m'],
    [3_600_000, '1h'],
    [36_000_000, '10h'],
  ];
  for (const [ms, label] of labels) {
    if (ms > maxMs * 1.2) break;
    const p = at(ms);
    out.push(`<line x1="${p}" y1="${SIZE - PAD}" x2="${p}" y2="${SIZE - PAD + 5}" stroke="#555"/>`);
    out.push(`<text x="${p}" y="${SIZE - PAD + 18}" font-size="11" text-anchor="middle">${label}</text>`);
    out.push(`<line x1="${PAD - 5}" y1="${SIZE - p}" x2="${PAD}" y2="${SIZE - p}" stroke="#555"/>`);
    out.push(`<text x="${PAD - 8}" y="${SIZE - p + 4}" font-size="11" text-anchor="end">${label}</text>`);
  }
  return out;
}

/** Most points drawn per series: an even sample of the rest keeps the file small. */
const MAX_POINTS = 1_500;

function thin<T>(points: readonly T[]): readonly T[] {
  if (points.length <= MAX_POINTS) return points;
  const step = points.length / MAX_POINTS;
  return Array.from({ length: MAX_POINTS }, (_, i) => points[Math.floor(i * step)] as T);
}

/** An SVG scatter of every series (each thinned to an even sample of 1,500 points), with a title and a legend. */
export function scatterSvg(title: string, series: readonly Series[]): string {
  const maxMs = Math.max(MIN * 10, ...series.flatMap((s) => s.points.flat()));
  const at = scale(maxMs);
  const dots = series.flatMap((s) =>
    thin(s.points).map(
      ([real, predicted]) => `<circle cx="${Math.round(at(real))}" cy="${Math.round(SIZE - at(predicted))}" r="1.8" fill="${s.colour}" fill-opacity="0.45"/>`,
    ),
  );
  const legend = series.map(
    (s, i) =>
      `<circle cx="${PAD + 10}" cy="${PAD + 14 + i * 16}" r="4" fill="${s.colour}"/><text x="${PAD + 20}" y="${PAD + 18 + i * 16}" font-size="12">${s.label}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${title}" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}" font-family="sans-serif">`,
    `<title>${title}: ${series.map((s) => s.label).join('; ')}</title>`,
    `<rect width="${SIZE}" height="${SIZE}" fill="white"/>`,
    `<text x="${SIZE / 2}" y="24" font-size="14" text-anchor="middle">${title}</text>`,
    `<line x1="${PAD}" y1="${SIZE - PAD}" x2="${SIZE - PAD}" y2="${PAD}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<line x1="${PAD}" y1="${SIZE - PAD}" x2="${SIZE - PAD}" y2="${SIZE - PAD}" stroke="#555"/>`,
    `<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${SIZE - PAD}" stroke="#555"/>`,
    ...ticks(maxMs, at),
    `<text x="${SIZE / 2}" y="${SIZE - 12}" font-size="12" text-anchor="middle">real wait</text>`,
    `<text x="16" y="${SIZE / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${SIZE / 2})">predicted wait at add</text>`,
    ...dots,
    ...legend,
    '</svg>',
  ].join('\n');
}
