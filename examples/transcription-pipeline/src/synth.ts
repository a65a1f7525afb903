/**
 * Synthetic "speech": voiced bursts (harmonics of a slowly gliding pitch, amplitude-modulated at a
 * syllable rate of about 4 Hz, with some breath noise) separated by silences of random length, over
 * a faint noise floor. Each speaker has their own pitch range. The synthesizer returns the ground
 * truth (who spoke when) so the tests can grade the VAD and the speaker clustering.
 */

/** A speaker's voice: utterances centre on a pitch drawn from [lowHz, highHz]. */
export interface Voice {
  name: string;
  lowHz: number;
  highHz: number;
}

/** Three voices far enough apart in pitch for a pitch-based speaker count. */
export const VOICES: readonly Voice[] = [
  { name: 'low', lowHz: 100, highHz: 120 },
  { name: 'mid', lowHz: 150, highHz: 172 },
  { name: 'high', lowHz: 210, highHz: 245 },
];

/** One stretch of speech in the ground truth, in seconds. */
export interface Utterance {
  start: number;
  end: number;
  speaker: number;
  pitchHz: number;
}

export interface SynthOptions {
  seconds: number;
  sampleRate?: number;
  voices: readonly Voice[];
  seed: number;
}

export interface SynthResult {
  sampleRate: number;
  samples: Float32Array;
  utterances: Utterance[];
}

/** A small seeded PRNG (mulberry32), so every run synthesizes the same meetings. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Synthesizes a meeting: alternating speakers, random utterance and silence lengths. */
export function synthesizeMeeting(opts: SynthOptions): SynthResult {
  const sampleRate = opts.sampleRate ?? 16_000;
  const random = rng(opts.seed);
  const samples = new Float32Array(Math.round(opts.seconds * sampleRate));
  addNoise(samples, random, 0.004);
  const utterances = planUtterances(opts.seconds, opts.voices, random);
  for (const u of utterances) renderUtterance(samples, sampleRate, u, random);
  return { sampleRate, samples, utterances };
}

function planUtterances(seconds: number, voices: readonly Voice[], random: () => number): Utterance[] {
  if (voices.length === 0) throw new RangeError('synthesizeMeeting needs at least one voice');
  const out: Utterance[] = [];
  let t = 0.3 + random() * 0.7;
  let speaker = Math.floor(random() * voices.length);
  while (true) {
    const length = 1.2 + random() * 2.8;
    if (t + length > seconds - 0.2) break;
    const voice = voices[speaker] as Voice;
    const pitchHz = voice.lowHz + random() * (voice.highHz - voice.lowHz);
    out.push({ start: t, end: t + length, speaker, pitchHz });
    t += length + 0.45 + random() * 1.1;
    // The same speaker goes on 30% of the time, otherwise another one takes over.
    if (voices.length > 1 && random() >= 0.3) speaker = (speaker + 1 + Math.floor(random() * (voices.length - 1))) % voices.length;
  }
  return out;
}

function renderUtterance(samples: Float32Array, sampleRate: number, u: Utterance, random: () => number): void {
  const from = Math.round(u.start * sampleRate);
  const to = Math.min(samples.length, Math.round(u.end * sampleRate));
  const syllableHz = 3.2 + random() * 1.6;
  const glideHz = 0.3 + random() * 0.4;
  const gain = 0.25 + random() * 0.15;
  const ramp = Math.round(0.015 * sampleRate);
  let phase = 0;
  for (let i = from; i < to; i++) {
    const t = (i - from) / sampleRate;
    // Intonation: the pitch glides ±6% around the utterance's centre.
    const f0 = u.pitchHz * (1 + 0.06 * Math.sin(2 * Math.PI * glideHz * t));
    phase += (2 * Math.PI * f0) / sampleRate;
    const syllable = 0.3 + 0.7 * (0.5 - 0.5 * Math.cos(2 * Math.PI * syllableHz * t));
    const edge = Math.min(1, (i - from) / ramp, (to - i) / ramp);
    const voiced = harmonics(phase);
    const breath = (random() - 0.5) * 0.08;
    samples[i] = (samples[i] ?? 0) + gain * edge * syllable * (voiced + breath);
  }
}

/** A glottal-like tone: eight harmonics with 1/k amplitudes. */
function harmonics(phase: number): number {
  let s = 0;
  for (let k = 1; k <= 8; k++) s += Math.sin(k * phase) / k;
  return s * 0.45;
}

function addNoise(samples: Float32Array, random: () => number, level: number): void {
  for (let i = 0; i < samples.length; i++) samples[i] = (random() + random() + random() - 1.5) * level;
}

/** The seconds covered by `utterances` (ground-truth speech time). */
export function speechSeconds(utterances: readonly Utterance[]): number {
  return utterances.reduce((sum, u) => sum + (u.end - u.start), 0);
}
