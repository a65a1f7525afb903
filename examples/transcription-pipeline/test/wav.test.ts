import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, WavFormatError } from '../src/wav.js';

function tone(n: number): Float32Array {
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) s[i] = 0.8 * Math.sin(i / 7) * (i % 3 === 0 ? 1 : -0.5);
  return s;
}

function expectWavError(bytes: Uint8Array, kind: string, message: RegExp): void {
  let caught: unknown;
  try {
    decodeWav(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(WavFormatError);
  expect((caught as WavFormatError).kind).toBe(kind);
  expect((caught as WavFormatError).message).toMatch(message);
}

describe('WAV encode/decode', () => {
  it('round-trips 16-bit mono PCM within one quantisation step', () => {
    const samples = tone(16_001);
    samples[0] = 1;
    samples[1] = -1;
    const bytes = encodeWav(samples, 16_000);
    expect(bytes.length).toBe(44 + 2 * samples.length);
    const wav = decodeWav(bytes);
    expect(wav.sampleRate).toBe(16_000);
    expect(wav.samples.length).toBe(samples.length);
    for (let i = 0; i < samples.length; i++) expect(Math.abs((wav.samples[i] ?? 0) - (samples[i] ?? 0))).toBeLessThan(1 / 16_000);
  });

  it('writes a standard 44-byte header', () => {
    const bytes = encodeWav(new Float32Array(10), 8000);
    const text = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4));
    const view = new DataView(bytes.buffer);
    expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(36 + 20);
    expect(view.getUint32(24, true)).toBe(8000);
    expect(view.getUint32(40, true)).toBe(20);
  });

  it('skips unknown chunks, honouring odd-size padding', () => {
    const base = encodeWav(tone(100), 16_000);
    const list = new Uint8Array([0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0]); // "LIST", 3 bytes + pad
    const bytes = new Uint8Array(base.length + list.length);
    bytes.set(base.subarray(0, 36));
    bytes.set(list, 36);
    bytes.set(base.subarray(36), 36 + list.length);
    new DataView(bytes.buffer).setUint32(4, bytes.length - 8, true);
    expect(decodeWav(bytes).samples.length).toBe(100);
  });

  it('rejects malformed files with a clear error', () => {
    const good = encodeWav(tone(100), 16_000);
    const patch = (offset: number, value: number, bytes = 2) => {
      const copy = good.slice();
      const view = new DataView(copy.buffer);
      if (bytes === 2) view.setUint16(offset, value, true);
      else view.setUint32(offset, value, true);
      return copy;
    };
    expectWavError(new TextEncoder().encode('ID3 this is an mp3'), 'not-riff', /not a WAV file/);
    expectWavError(good.subarray(0, 120), 'truncated', /truncated: RIFF header announces 244 bytes, got 120/);
    expectWavError(patch(20, 3), 'unsupported', /format 3 is not PCM/);
    expectWavError(patch(22, 2), 'unsupported', /2 channels/);
    expectWavError(patch(34, 8), 'unsupported', /8 bits per sample/);
    expectWavError(patch(32, 4), 'bad-format', /blockAlign 4/);
    expectWavError(patch(24, 12, 4), 'bad-format', /sample rate 12 Hz/);
    expectWavError(patch(12, 0x61746164, 4), 'missing-chunk', /no "fmt " chunk/); // first chunk renamed "data"
    expectWavError(patch(36, 0x5453494c, 4), 'missing-chunk', /no "data" chunk/);
    expectWavError(patch(40, 999, 4), 'truncated', /chunk "data" at byte 36 announces 999 bytes/);
  });

  it('rejects a data chunk that is not whole samples', () => {
    const good = encodeWav(tone(10), 16_000);
    const odd = new Uint8Array(good.length + 1 + 1);
    odd.set(good);
    const view = new DataView(odd.buffer);
    view.setUint32(40, 21, true);
    view.setUint32(4, odd.length - 8, true);
    expect(() => decodeWav(odd)).toThrow(/not a whole number of 16-bit samples/);
  });
});
