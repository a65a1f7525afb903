/**
 * The transcription seam. A real speech model can be plugged in behind {@link Transcriber}; the
 * default {@link VadTranscriber} finds where people speak and labels each stretch with its times.
 */
import { Pacer, throwIfAborted } from './pace.js';
import { FrameAnalyzer, VoiceActivityDetector } from './vad.js';

/** One transcribed stretch of audio, in seconds. */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
}

export interface TranscribeOptions {
  /** Called as the work advances, with the fraction done (0..1). Awaited. */
  onProgress?: (fraction: number) => void | Promise<void>;
}

/**
 * Turns samples into text segments. Implementations must check `signal` often and throw
 * `signal.reason` when it aborts, so cancellation and timeouts take effect promptly.
 */
export interface Transcriber {
  readonly name: string;
  transcribe(samples: Float32Array, sampleRate: number, signal: AbortSignal, options?: TranscribeOptions): Promise<TranscriptSegment[]>;
}

export interface VadTranscriberOptions {
  /** Simulated model speed: audio seconds processed per wall second; Infinity runs flat out. */
  realtimeFactor?: number;
  /** Audio seconds analysed between two checks of the signal. */
  chunkSeconds?: number;
}

/** Formats seconds as `mm:ss.d`. */
export function clock(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const mm = Math.floor(tenths / 600);
  const ss = (tenths % 600) / 10;
  return `${String(mm).padStart(2, '0')}:${ss.toFixed(1).padStart(4, '0')}`;
}

/** Voice-activity "transcription": segments labelled `[speech 00:12.3–00:15.1]`. */
export class VadTranscriber implements Transcriber {
  readonly name = 'vad';
  private readonly realtimeFactor: number;
  private readonly chunkSeconds: number;

  constructor(opts: VadTranscriberOptions = {}) {
    this.realtimeFactor = opts.realtimeFactor ?? Number.POSITIVE_INFINITY;
    this.chunkSeconds = opts.chunkSeconds ?? 0.5;
  }

  async transcribe(samples: Float32Array, sampleRate: number, signal: AbortSignal, options: TranscribeOptions = {}): Promise<TranscriptSegment[]> {
    throwIfAborted(signal);
    const analyzer = new FrameAnalyzer(sampleRate);
    const vad = new VoiceActivityDetector(analyzer.hopSeconds);
    const frames = analyzer.frameCount(samples.length);
    const perChunk = Math.max(1, Math.round(this.chunkSeconds / analyzer.hopSeconds));
    const audioSeconds = samples.length / sampleRate;
    const pacer = new Pacer(Number.isFinite(this.realtimeFactor) ? (audioSeconds * 1000) / this.realtimeFactor : 0);
    for (let from = 0; from < frames; from += perChunk) {
      const to = Math.min(frames, from + perChunk);
      for (let i = from; i < to; i++) vad.push(analyzer.analyze(samples, i));
      await pacer.at(to / frames, signal);
      await options.onProgress?.(to / frames);
    }
    return vad.finish().map((s) => ({ ...s, text: `[speech ${clock(s.start)}–${clock(s.end)}]` }));
  }
}
