/**
 * Voice-activity detection and pitch estimation, frame by frame.
 *
 * Every hop (10 ms) a 40 ms window is analysed: energy (dB), zero-crossing rate and a normalised
 * autocorrelation pitch estimate (50-500 Hz). The detector compares energy to an adaptive noise
 * floor, keeps speech on through short dips with a hangover, then merges close segments and drops
 * blips. The autocorrelation walks every sample of every window for every lag, which is what makes
 * this stage cost time in proportion to the audio's length.
 */

/** What one analysis window holds. */
export interface FrameFeatures {
  /** Mean power in dB relative to full scale. */
  energyDb: number;
  /** Sign changes per sample, 0..1. */
  zcr: number;
  /** Estimated fundamental frequency, or null when the window is not voiced. */
  pitchHz: number | null;
  /** Peak normalised autocorrelation, 0..1: how periodic the window is. */
  voicing: number;
}

/** A stretch of detected speech, in seconds. */
export interface SpeechSegment {
  start: number;
  end: number;
}

export interface AnalyzerOptions {
  windowMs?: number;
  hopMs?: number;
  minPitchHz?: number;
  maxPitchHz?: number;
}

/** Computes {@link FrameFeatures} for the window starting at each hop. Reuses its buffers. */
export class FrameAnalyzer {
  readonly window: number;
  readonly hop: number;
  private readonly minLag: number;
  private readonly maxLag: number;
  private readonly frame: Float64Array;
  private readonly prefix: Float64Array;

  constructor(
    readonly sampleRate: number,
    opts: AnalyzerOptions = {},
  ) {
    this.window = Math.round(((opts.windowMs ?? 40) * sampleRate) / 1000);
    this.hop = Math.round(((opts.hopMs ?? 10) * sampleRate) / 1000);
    this.minLag = Math.floor(sampleRate / (opts.maxPitchHz ?? 500));
    this.maxLag = Math.min(this.window - 16, Math.ceil(sampleRate / (opts.minPitchHz ?? 50)));
    this.frame = new Float64Array(this.window);
    this.prefix = new Float64Array(this.window + 1);
  }

  /** Seconds between two frames. */
  get hopSeconds(): number {
    return this.hop / this.sampleRate;
  }

  /** How many frames cover `sampleCount` samples. */
  frameCount(sampleCount: number): number {
    return sampleCount < this.window ? 0 : Math.floor((sampleCount - this.window) / this.hop) + 1;
  }

  /** Analyses frame `index` of `samples`. */
  analyze(samples: Float32Array, index: number): FrameFeatures {
    const n = this.window;
    const start = index * this.hop;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += samples[start + i] ?? 0;
    mean /= n;
    let zc = 0;
    for (let i = 0; i < n; i++) {
      const x = (samples[start + i] ?? 0) - mean;
      this.frame[i] = x;
      this.prefix[i + 1] = (this.prefix[i] ?? 0) + x * x;
      if (i > 0 && x >= 0 !== (this.frame[i - 1] ?? 0) >= 0) zc++;
    }
    const power = (this.prefix[n] ?? 0) / n;
    const energyDb = 10 * Math.log10(power + 1e-12);
    const { pitchHz, voicing } = power < 1e-9 ? { pitchHz: null, voicing: 0 } : this.pitch();
    return { energyDb, zcr: zc / (n - 1), pitchHz, voicing };
  }

  /** Normalised autocorrelation over every lag in range; the first strong local peak is the period. */
  private pitch(): { pitchHz: number | null; voicing: number } {
    const scores = new Float64Array(this.maxLag + 2);
    let best = 0;
    for (let lag = this.minLag; lag <= this.maxLag + 1; lag++) {
      const score = this.correlation(lag);
      scores[lag] = score;
      if (lag <= this.maxLag && score > best) best = score;
    }
    if (best < 0.5) return { pitchHz: null, voicing: best };
    for (let lag = this.minLag + 1; lag <= this.maxLag; lag++) {
      const s = scores[lag] ?? 0;
      if (s >= 0.85 * best && s >= (scores[lag - 1] ?? 0) && s >= (scores[lag + 1] ?? 0)) {
        return { pitchHz: this.sampleRate / refine(scores, lag), voicing: best };
      }
    }
    return { pitchHz: null, voicing: best };
  }

  private correlation(lag: number): number {
    const n = this.window - lag;
    let acc = 0;
    for (let i = 0; i < n; i++) acc += (this.frame[i] ?? 0) * (this.frame[i + lag] ?? 0);
    const head = this.prefix[n] ?? 0;
    const tail = (this.prefix[this.window] ?? 0) - (this.prefix[lag] ?? 0);
    const norm = Math.sqrt(head * tail);
    return norm > 0 ? acc / norm : 0;
  }
}

/** Parabolic interpolation around a peak, for a sub-sample period. */
function refine(scores: Float64Array, lag: number): number {
  const a = scores[lag - 1] ?? 0;
  const b = scores[lag] ?? 0;
  const c = scores[lag + 1] ?? 0;
  const denom = a - 2 * b + c;
  if (denom >= 0) return lag;
  const shift = (0.5 * (a - c)) / denom;
  return lag + Math.max(-0.5, Math.min(0.5, shift));
}

export interface VadOptions {
  /** How far above the noise floor a frame must be to count as speech. */
  thresholdDb?: number;
  /** Speech stays on this long after the last loud frame. */
  hangoverMs?: number;
  /** Segments closer than this are merged. */
  mergeGapMs?: number;
  /** Segments shorter than this are dropped. */
  minSpeechMs?: number;
}

/**
 * Decides speech or not frame by frame, fed in order. The noise floor follows quiet frames quickly
 * and loud ones very slowly, so it adapts to the recording without rising into the speech.
 */
export class VoiceActivityDetector {
  private floorDb: number | null = null;
  private frame = 0;
  private hangLeft = 0;
  private openAt: number | null = null;
  private lastLoud = 0;
  private readonly raw: SpeechSegment[] = [];
  private readonly thresholdDb: number;
  private readonly hangFrames: number;

  constructor(
    private readonly hopSeconds: number,
    private readonly opts: VadOptions = {},
  ) {
    this.thresholdDb = opts.thresholdDb ?? 12;
    this.hangFrames = Math.round((opts.hangoverMs ?? 150) / 1000 / hopSeconds);
  }

  /** Feeds the next frame. */
  push(f: FrameFeatures): void {
    const floor = this.floorDb ?? f.energyDb;
    const above = f.energyDb - floor;
    const loud = above > this.thresholdDb || (above > this.thresholdDb / 2 && f.pitchHz !== null);
    this.floorDb = trackFloor(floor, f.energyDb, loud);
    if (loud) {
      if (this.openAt === null) this.openAt = this.frame;
      this.hangLeft = this.hangFrames;
      this.lastLoud = this.frame;
    } else if (this.openAt !== null && --this.hangLeft <= 0) {
      this.close();
    }
    this.frame++;
  }

  /** Closes any open segment and returns the merged, filtered segments. */
  finish(): SpeechSegment[] {
    if (this.openAt !== null) this.close();
    const mergeGap = (this.opts.mergeGapMs ?? 250) / 1000;
    const minSpeech = (this.opts.minSpeechMs ?? 200) / 1000;
    const merged: SpeechSegment[] = [];
    for (const seg of this.raw) {
      const last = merged[merged.length - 1];
      if (last && seg.start - last.end < mergeGap) last.end = seg.end;
      else merged.push({ ...seg });
    }
    return merged.filter((s) => s.end - s.start >= minSpeech);
  }

  private close(): void {
    const open = this.openAt ?? 0;
    // A frame's window is centred half a window after its start; one hop is close enough here.
    const start = open * this.hopSeconds;
    const end = (this.lastLoud + 1) * this.hopSeconds + 0.03;
    this.raw.push({ start, end });
    this.openAt = null;
  }
}

function trackFloor(floor: number, energyDb: number, loud: boolean): number {
  const next = energyDb < floor ? floor + (energyDb - floor) * 0.3 : floor + (energyDb - floor) * (loud ? 0.0005 : 0.05);
  return Math.max(-100, next);
}

/** Runs the whole VAD synchronously (for tests and small inputs). */
export function detectSpeech(samples: Float32Array, sampleRate: number, opts: VadOptions = {}): SpeechSegment[] {
  const analyzer = new FrameAnalyzer(sampleRate);
  const vad = new VoiceActivityDetector(analyzer.hopSeconds, opts);
  const frames = analyzer.frameCount(samples.length);
  for (let i = 0; i < frames; i++) vad.push(analyzer.analyze(samples, i));
  return vad.finish();
}

/** Median pitch over the voiced frames between `start` and `end` seconds, or null if none. */
export function medianPitch(samples: Float32Array, analyzer: FrameAnalyzer, start: number, end: number): number | null {
  const first = Math.max(0, Math.floor((start * analyzer.sampleRate) / analyzer.hop));
  const last = Math.min(analyzer.frameCount(samples.length), Math.ceil((end * analyzer.sampleRate - analyzer.window) / analyzer.hop));
  const pitches: number[] = [];
  for (let i = first; i < last; i++) {
    const p = analyzer.analyze(samples, i).pitchHz;
    if (p !== null) pitches.push(p);
  }
  if (pitches.length === 0) return null;
  pitches.sort((a, b) => a - b);
  return pitches[Math.floor(pitches.length / 2)] ?? null;
}
