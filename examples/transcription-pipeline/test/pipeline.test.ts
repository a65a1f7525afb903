import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermanentJobError } from '@waitline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeetingHandler, type HandlerContext, type MeetingPayload } from '../src/pipeline.js';
import { synthesizeMeeting, VOICES } from '../src/synth.js';
import { VadTranscriber } from '../src/transcriber.js';
import { encodeWav } from '../src/wav.js';

let dir: string;
let file: string;
const SECONDS = 20;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waitline-pipeline-'));
  file = join(dir, 'm-1.wav');
  const m = synthesizeMeeting({ seconds: SECONDS, voices: [VOICES[0]!, VOICES[2]!], seed: 5 });
  await writeFile(file, encodeWav(m.samples, m.sampleRate));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(signal = new AbortController().signal) {
  const updates: { percent: number; stage: string }[] = [];
  const ctx: HandlerContext = { signal, progress: async (p) => void updates.push(p) };
  return { ctx, updates };
}

const payload = (f: string): MeetingPayload => ({ meetingId: 'm-1', user: 'alice', file: f, audioSeconds: SECONDS });

describe('meeting handler', () => {
  it('downloads, transcribes and counts speakers, reporting progress by stage', { timeout: 30_000 }, async () => {
    const handler = createMeetingHandler({ transcriber: new VadTranscriber(), speed: Number.POSITIVE_INFINITY });
    const { ctx, updates } = context();
    const result = await handler({ id: 'j1', attempt: 1, payload: payload(file) }, ctx);
    expect(result.speakers).toBe(2);
    expect(result.segments).toBe(result.transcript.length);
    expect(result.transcript[0]?.text).toMatch(/^\[speech \d\d:\d\d\.\d–\d\d:\d\d\.\d\]$/);
    expect(new Set(result.transcript.map((s) => s.speaker))).toEqual(new Set([1, 2]));
    expect(updates.map((u) => u.stage).filter((s, i, a) => a[i - 1] !== s)).toEqual(['download', 'transcribe', 'speakers']);
    const percents = updates.map((u) => u.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(updates.length).toBeLessThanOrEqual(60); // about every 2%, not every frame
  });

  it('stops promptly with signal.reason when the signal aborts', { timeout: 30_000 }, async () => {
    // Paced at 4x real time, the job would take 5 s; it is aborted after 300 ms.
    const handler = createMeetingHandler({ transcriber: new VadTranscriber({ realtimeFactor: 4 / 0.72 }), speed: 4 });
    const controller = new AbortController();
    const { ctx, updates } = context(controller.signal);
    const reason = Object.assign(new Error('job cancelled'), { code: 'JOB_CANCELLED' });
    const run = handler({ id: 'j2', attempt: 1, payload: payload(file) }, ctx);
    await new Promise((r) => setTimeout(r, 300));
    const abortedAt = performance.now();
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    // At the abort, not when the paced work would have ended (4.7 s left); 500 ms, not 150, leaves
    // room for a loaded machine's scheduling stalls between the abort and this line.
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(updates.at(-1)?.percent ?? 0).toBeLessThan(50);
  });

  it('fails a cut-short first download with a retryable error, then succeeds on the retry', { timeout: 30_000 }, async () => {
    const handler = createMeetingHandler({
      transcriber: new VadTranscriber(),
      speed: Number.POSITIVE_INFINITY,
      corruptFirstDownload: new Set(['m-1']),
    });
    const first = handler({ id: 'j3', attempt: 1, payload: payload(file) }, context().ctx);
    await expect(first).rejects.toThrow(/corrupt download of m-1\.wav: WAV truncated/);
    await expect(first).rejects.not.toBeInstanceOf(PermanentJobError);
    const second = await handler({ id: 'j3', attempt: 2, payload: payload(file) }, context().ctx);
    expect(second.speakers).toBe(2);
  });

  it('fails malformed and missing recordings permanently', async () => {
    const handler = createMeetingHandler({ transcriber: new VadTranscriber(), speed: Number.POSITIVE_INFINITY });
    const bad = join(dir, 'bad.wav');
    await writeFile(bad, 'RIFF\x04\x00\x00\x00WAVE');
    const malformed = handler({ id: 'j4', attempt: 1, payload: payload(bad) }, context().ctx);
    await expect(malformed).rejects.toBeInstanceOf(PermanentJobError);
    await expect(malformed).rejects.toThrow(/bad\.wav is not a usable recording: WAV has no "fmt " chunk/);
    const missing = handler({ id: 'j5', attempt: 1, payload: payload(join(dir, 'nope.wav')) }, context().ctx);
    await expect(missing).rejects.toBeInstanceOf(PermanentJobError);
  });
});
