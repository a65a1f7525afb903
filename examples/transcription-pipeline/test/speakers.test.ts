import { describe, expect, it } from 'vitest';
import { clusterSpeakers } from '../src/speakers.js';
import { synthesizeMeeting, VOICES, type Voice } from '../src/synth.js';
import { detectSpeech, FrameAnalyzer, medianPitch } from '../src/vad.js';

function countSpeakers(voices: Voice[], seed: number, seconds = 25) {
  const m = synthesizeMeeting({ seconds, voices, seed });
  const analyzer = new FrameAnalyzer(m.sampleRate);
  const segments = detectSpeech(m.samples, m.sampleRate);
  const clusters = clusterSpeakers(segments.map((s) => ({ pitchHz: medianPitch(m.samples, analyzer, s.start, s.end), seconds: s.end - s.start })));
  return { m, segments, clusters };
}

describe('speaker clustering', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`counts 2 speakers in 2-speaker audio and labels them consistently (seed ${seed})`, { timeout: 30_000 }, () => {
      const { m, segments, clusters } = countSpeakers([VOICES[0]!, VOICES[2]!], seed);
      expect(clusters.count).toBe(2);
      // Each true speaker maps to exactly one label.
      const mapping = new Map<number, number | null>();
      segments.forEach((seg, i) => {
        const truth = m.utterances.find((u) => u.start < seg.end && u.end > seg.start);
        expect(truth).toBeDefined();
        const prev = mapping.get(truth!.speaker);
        if (prev !== undefined) expect(clusters.labels[i]).toBe(prev);
        mapping.set(truth!.speaker, clusters.labels[i] ?? null);
      });
      expect(new Set(mapping.values()).size).toBe(2);
    });
  }

  it('counts 1 and 3 speakers', { timeout: 30_000 }, () => {
    expect(countSpeakers([VOICES[1]!], 21).clusters.count).toBe(1);
    expect(countSpeakers([...VOICES], 22, 45).clusters.count).toBe(3);
  });

  it('ignores unvoiced segments and folds a lone outlier into its neighbour', () => {
    const result = clusterSpeakers([
      { pitchHz: 110, seconds: 3 },
      { pitchHz: null, seconds: 1 },
      { pitchHz: 230, seconds: 3 },
      { pitchHz: 112, seconds: 2 },
      { pitchHz: 150, seconds: 0.2 },
      { pitchHz: 225, seconds: 4 },
    ]);
    expect(result.count).toBe(2);
    expect(result.labels).toEqual([0, null, 1, 0, 0, 1]);
    expect(clusterSpeakers([]).count).toBe(0);
  });
});
