import { describe, expect, it } from 'vitest';
import { synthesizeMeeting, speechSeconds, VOICES, type Utterance } from '../src/synth.js';
import { detectSpeech, FrameAnalyzer, medianPitch, type SpeechSegment } from '../src/vad.js';

function overlap(a: readonly { start: number; end: number }[], b: readonly { start: number; end: number }[]): number {
  let total = 0;
  for (const x of a) for (const y of b) total += Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
  return total;
}

function grade(truth: Utterance[], found: SpeechSegment[]) {
  const speech = speechSeconds(truth);
  const detected = found.reduce((s, x) => s + (x.end - x.start), 0);
  const hit = overlap(truth, found);
  return { recall: hit / speech, falseAlarm: (detected - hit) / speech };
}

describe('voice-activity detection', () => {
  for (const seed of [1, 2, 3]) {
    it(`finds the synthesized utterances (seed ${seed})`, { timeout: 30_000 }, () => {
      const m = synthesizeMeeting({ seconds: 30, voices: [VOICES[0]!, VOICES[2]!], seed });
      const found = detectSpeech(m.samples, m.sampleRate);
      const { recall, falseAlarm } = grade(m.utterances, found);
      expect(recall).toBeGreaterThanOrEqual(0.9);
      expect(falseAlarm).toBeLessThan(0.1);
      expect(found.length).toBe(m.utterances.length);
      for (const [i, u] of m.utterances.entries()) {
        expect(Math.abs((found[i]?.start ?? -1) - u.start)).toBeLessThan(0.1);
        expect(Math.abs((found[i]?.end ?? -1) - u.end)).toBeLessThan(0.1);
      }
    });
  }

  it('finds nothing in silence with a noise floor', () => {
    const m = synthesizeMeeting({ seconds: 5, voices: [VOICES[1]!], seed: 9 });
    const quiet = m.samples.map((x, i) => (m.utterances.some((u) => i / 16_000 >= u.start - 0.1 && i / 16_000 <= u.end + 0.1) ? 0.001 * Math.sin(i) : x));
    expect(detectSpeech(quiet, m.sampleRate)).toEqual([]);
  });

  it('estimates each utterance pitch within 4%', { timeout: 30_000 }, () => {
    const m = synthesizeMeeting({ seconds: 30, voices: VOICES, seed: 4 });
    const analyzer = new FrameAnalyzer(m.sampleRate);
    for (const u of m.utterances) {
      const pitch = medianPitch(m.samples, analyzer, u.start, u.end);
      expect(pitch).not.toBeNull();
      expect(Math.abs((pitch ?? 0) / u.pitchHz - 1)).toBeLessThan(0.04);
    }
  });
});
