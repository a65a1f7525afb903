/**
 * Speaker counting by pitch: each segment's median pitch is placed on a log scale, the sorted
 * values are split wherever two neighbours are further apart than a gap (about 16% in frequency),
 * groups carrying too little speech are folded into their nearest neighbour, and a few rounds of
 * 1-D k-means settle the centres. Crude next to a real diarizer, exact on the synthetic voices.
 */

/** A segment to cluster: its median pitch (null when unvoiced) and how long it lasts. */
export interface PitchedSegment {
  pitchHz: number | null;
  seconds: number;
}

export interface SpeakerClustering {
  /** How many speakers were found. */
  count: number;
  /** Speaker index per input segment (0-based, in order of first appearance), null when unvoiced. */
  labels: (number | null)[];
  /** Each speaker's centre pitch, in the order of `labels`. */
  centersHz: number[];
}

export interface ClusterOptions {
  /** Neighbouring pitches further apart than this ratio start a new speaker. Default 1.16. */
  minGapRatio?: number;
  /** A speaker must carry at least this share of the voiced speech. Default 0.06. */
  minShare?: number;
}

interface Group {
  center: number;
  weight: number;
}

/** Clusters segments into speakers by pitch. */
export function clusterSpeakers(segments: readonly PitchedSegment[], opts: ClusterOptions = {}): SpeakerClustering {
  const voiced = segments
    .map((s) => (s.pitchHz !== null && s.pitchHz > 0 ? { x: Math.log(s.pitchHz), w: Math.max(s.seconds, 1e-3) } : null))
    .filter((p): p is { x: number; w: number } => p !== null);
  if (voiced.length === 0) return { count: 0, labels: segments.map(() => null), centersHz: [] };
  let groups = splitAtGaps(voiced, Math.log(opts.minGapRatio ?? 1.16));
  groups = foldSmallGroups(groups, opts.minShare ?? 0.06);
  const centers = kMeans(
    voiced,
    groups.map((g) => g.center),
  );
  return label(segments, centers);
}

function splitAtGaps(points: { x: number; w: number }[], gap: number): Group[] {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const groups: { sum: number; weight: number; last: number }[] = [];
  for (const p of sorted) {
    const current = groups[groups.length - 1];
    if (current && p.x - current.last <= gap) {
      current.sum += p.x * p.w;
      current.weight += p.w;
      current.last = p.x;
    } else {
      groups.push({ sum: p.x * p.w, weight: p.w, last: p.x });
    }
  }
  return groups.map((g) => ({ center: g.sum / g.weight, weight: g.weight }));
}

/** Merges the lightest group into its nearest neighbour until every group has its share. */
function foldSmallGroups(groups: Group[], minShare: number): Group[] {
  const out = groups.map((g) => ({ ...g }));
  const total = out.reduce((s, g) => s + g.weight, 0);
  while (out.length > 1) {
    let lightest = 0;
    for (let i = 1; i < out.length; i++) if ((out[i] as Group).weight < (out[lightest] as Group).weight) lightest = i;
    const small = out[lightest] as Group;
    if (small.weight >= minShare * total) break;
    const left = out[lightest - 1];
    const right = out[lightest + 1];
    const into = !right || (left && small.center - left.center < right.center - small.center) ? left : right;
    if (!into) break;
    into.center = (into.center * into.weight + small.center * small.weight) / (into.weight + small.weight);
    into.weight += small.weight;
    out.splice(lightest, 1);
  }
  return out;
}

function kMeans(points: { x: number; w: number }[], initial: number[]): number[] {
  let centers = [...initial];
  for (let round = 0; round < 10; round++) {
    const sums = centers.map(() => ({ sum: 0, weight: 0 }));
    for (const p of points) {
      const acc = sums[nearest(centers, p.x)];
      if (acc) {
        acc.sum += p.x * p.w;
        acc.weight += p.w;
      }
    }
    const next = centers.map((c, i) => {
      const acc = sums[i];
      return acc && acc.weight > 0 ? acc.sum / acc.weight : c;
    });
    const moved = next.some((c, i) => Math.abs(c - (centers[i] ?? c)) > 1e-6);
    centers = next;
    if (!moved) break;
  }
  return centers;
}

function nearest(centers: number[], x: number): number {
  let best = 0;
  for (let i = 1; i < centers.length; i++) {
    if (Math.abs(x - (centers[i] ?? 0)) < Math.abs(x - (centers[best] ?? 0))) best = i;
  }
  return best;
}

/** Labels segments, numbering speakers in order of first appearance; drops centres nobody got. */
function label(segments: readonly PitchedSegment[], centers: number[]): SpeakerClustering {
  const order = new Map<number, number>();
  const centersHz: number[] = [];
  const labels = segments.map((s) => {
    if (s.pitchHz === null || s.pitchHz <= 0) return null;
    const c = nearest(centers, Math.log(s.pitchHz));
    let id = order.get(c);
    if (id === undefined) {
      id = order.size;
      order.set(c, id);
      centersHz.push(Math.exp(centers[c] ?? 0));
    }
    return id;
  });
  return { count: centersHz.length, labels, centersHz };
}
