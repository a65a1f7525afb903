/**
 * The job handler: download → transcribe → speakers, with progress and cooperative cancellation.
 *
 * Stage budgets (of the wall time `--speed` allows for the meeting): download 8%, transcribe 72%,
 * speakers 20%. Progress is reported as `{ percent, stage }` every 2% at most.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { PermanentJobError, Queue, type Storage } from '@waitline/core';
import { z } from 'zod';
import { Pacer, throttledPercent, throwIfAborted } from './pace.js';
import { clusterSpeakers } from './speakers.js';
import type { TranscriptSegment, Transcriber } from './transcriber.js';
import { FrameAnalyzer, medianPitch } from './vad.js';
import { decodeWav, WavFormatError, type DecodedWav } from './wav.js';

/** What a user submits: one meeting's recording. */
export const meetingPayload = z.object({
  meetingId: z.string().min(1),
  user: z.string().min(1),
  file: z.string().min(1),
  audioSeconds: z.number().positive(),
});
export type MeetingPayload = z.infer<typeof meetingPayload>;

/** A transcript line with its speaker (1-based, null when it could not be told). */
export interface LabelledSegment extends TranscriptSegment {
  speaker: number | null;
}

/** What a finished job returns (and Waitline stores as its result). */
export interface MeetingResult {
  meetingId: string;
  transcriber: string;
  audioSeconds: number;
  speechSeconds: number;
  speakers: number;
  segments: number;
  transcript: LabelledSegment[];
}

/** The part of a Waitline job the handler reads. */
export interface HandlerJob {
  id: string;
  attempt: number;
  payload: MeetingPayload;
}

/** The part of Waitline's handler context the handler uses. */
export interface HandlerContext {
  signal: AbortSignal;
  progress(progress: { percent: number; stage: string }): Promise<void>;
}

export interface PipelineOptions {
  transcriber: Transcriber;
  /** Audio seconds processed per wall second by the whole pipeline; Infinity runs flat out. */
  speed: number;
  /** Meetings whose first download arrives cut short (a simulated network failure). */
  corruptFirstDownload?: ReadonlySet<string>;
}

/** Each stage's share of the meeting's wall-time budget. */
export const SHARE = { download: 0.08, transcribe: 0.72, speakers: 0.2 } as const;
const CHUNK_BYTES = 64 * 1024;

type Report = (stage: string, fraction: number) => Promise<void>;

/** Builds the Waitline handler for transcription jobs. */
export function createMeetingHandler(opts: PipelineOptions) {
  return async (job: HandlerJob, ctx: HandlerContext): Promise<MeetingResult> => {
    const { payload } = job;
    const budgetMs = Number.isFinite(opts.speed) ? (payload.audioSeconds * 1000) / opts.speed : 0;
    const report = stageReporter(ctx);
    const cutShort = job.attempt <= 1 && (opts.corruptFirstDownload?.has(payload.meetingId) ?? false);
    const wav = await download(payload.file, ctx.signal, new Pacer(budgetMs * SHARE.download), cutShort, report);
    const segments = await opts.transcriber.transcribe(wav.samples, wav.sampleRate, ctx.signal, {
      onProgress: (f) => report('transcribe', f),
    });
    const speakers = await diarize(wav, segments, ctx.signal, new Pacer(budgetMs * SHARE.speakers), report);
    await report('speakers', 1);
    return {
      meetingId: payload.meetingId,
      transcriber: opts.transcriber.name,
      audioSeconds: wav.samples.length / wav.sampleRate,
      speechSeconds: segments.reduce((s, x) => s + (x.end - x.start), 0),
      speakers: speakers.count,
      segments: segments.length,
      transcript: speakers.transcript,
    };
  };
}

/** Maps a stage's own fraction onto the job's 0-100%, reported every 2% at most. */
function stageReporter(ctx: HandlerContext): Report {
  let stage = '';
  const send = throttledPercent(2, (percent) => ctx.progress({ percent, stage }));
  return async (next, fraction) => {
    const before = next === 'download' ? 0 : next === 'transcribe' ? SHARE.download : SHARE.download + SHARE.transcribe;
    const share = SHARE[next as keyof typeof SHARE] ?? 0;
    const changed = next !== stage;
    stage = next;
    const percent = Math.min(100, (before + share * fraction) * 100);
    if (changed) await ctx.progress({ percent: Math.floor(percent), stage });
    else await send(percent);
  };
}

/**
 * "Downloads" the recording: reads it from disk in chunks and decodes the WAV. A cut-short
 * download yields a truncated file, which the decoder rejects; that error is retryable. Any other
 * malformed file is a `PermanentJobError`: retrying cannot fix it.
 */
async function download(file: string, signal: AbortSignal, pacer: Pacer, cutShort: boolean, report: Report): Promise<DecodedWav> {
  await report('download', 0);
  const bytes = await readPaced(file, signal, pacer, cutShort ? 0.4 : 1, (f) => report('download', f));
  try {
    return decodeWav(bytes);
  } catch (err) {
    if (err instanceof WavFormatError && err.kind === 'truncated') {
      throw new Error(`corrupt download of ${basename(file)}: ${err.message}`);
    }
    if (err instanceof WavFormatError) throw new PermanentJobError(`${basename(file)} is not a usable recording: ${err.message}`);
    throw err;
  }
}

async function readPaced(file: string, signal: AbortSignal, pacer: Pacer, keep: number, onProgress: (fraction: number) => Promise<void>): Promise<Uint8Array> {
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new PermanentJobError(`recording ${file} does not exist`);
    throw err;
  });
  try {
    const size = (await handle.stat()).size;
    const want = Math.floor(size * keep);
    const bytes = new Uint8Array(want);
    for (let at = 0; at < want; ) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(CHUNK_BYTES, want - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
      await pacer.at(at / size, signal);
      await onProgress(at / size);
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Estimates each segment's pitch and clusters the segments into speakers. */
async function diarize(
  wav: DecodedWav,
  segments: TranscriptSegment[],
  signal: AbortSignal,
  pacer: Pacer,
  report: Report,
): Promise<{ count: number; transcript: LabelledSegment[] }> {
  await report('speakers', 0);
  const analyzer = new FrameAnalyzer(wav.sampleRate);
  const total = segments.reduce((s, x) => s + (x.end - x.start), 0) || 1;
  const pitched: { pitchHz: number | null; seconds: number }[] = [];
  let done = 0;
  for (const seg of segments) {
    throwIfAborted(signal);
    pitched.push({ pitchHz: medianPitch(wav.samples, analyzer, seg.start, seg.end), seconds: seg.end - seg.start });
    done += seg.end - seg.start;
    await pacer.at(done / total, signal);
    await report('speakers', done / total);
  }
  const clusters = clusterSpeakers(pitched);
  const transcript = segments.map((seg, i) => {
    const label = clusters.labels[i];
    return { ...seg, speaker: label === null || label === undefined ? null : label + 1 };
  });
  return { count: clusters.count, transcript };
}

/** The queue every process of the demo shares; `concurrency` is set by the main demo only. */
export function transcribeQueue(storage: Storage, concurrency?: number): Queue<MeetingPayload, MeetingResult> {
  return new Queue<MeetingPayload, MeetingResult>(storage, 'transcribe', {
    payload: meetingPayload,
    ...(concurrency === undefined ? {} : { concurrency }),
    retry: { attempts: 3, backoff: { kind: 'list', delaysMs: [1000, 2000] } },
    timeoutMs: 600_000,
  });
}
