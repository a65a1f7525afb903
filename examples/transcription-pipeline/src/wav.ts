/**
 * WAV (RIFF) encoding and decoding, written by hand: 16-bit PCM, mono.
 *
 * Layout: `RIFF <size> WAVE`, then chunks of `<id:4> <size:u32le> <data>` padded to an even length.
 * We need a `fmt ` chunk (PCM, 1 channel, 16 bits) before a `data` chunk; other chunks are skipped.
 */

/** Why a byte buffer is not a WAV file we can read. `truncated` files may be an interrupted download. */
export type WavErrorKind = 'not-riff' | 'bad-format' | 'unsupported' | 'missing-chunk' | 'truncated';

/** A WAV file was rejected; `kind` says how, the message says exactly what was wrong. */
export class WavFormatError extends Error {
  constructor(
    readonly kind: WavErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'WavFormatError';
  }
}

/** Decoded audio: samples as floats in [-1, 1). */
export interface DecodedWav {
  sampleRate: number;
  channels: 1;
  bitsPerSample: 16;
  samples: Float32Array;
}

const HEADER_BYTES = 44;

/** Encodes mono float samples (clipped to [-1, 1]) as a 16-bit PCM WAV file. */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new RangeError(`sampleRate must be a positive integer, got ${sampleRate}`);
  }
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(out.buffer);
  writeTag(out, 0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeTag(out, 8, 'WAVE');
  writeTag(out, 12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // audio format: PCM
  view.setUint16(22, 1, true); // channels
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  writeTag(out, 36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    view.setInt16(HEADER_BYTES + i * 2, Math.round(s < 0 ? s * 0x8000 : s * 0x7fff), true);
  }
  return out;
}

interface Chunk {
  id: string;
  offset: number;
  size: number;
}

/** Decodes a 16-bit PCM mono WAV file, throwing {@link WavFormatError} on anything malformed. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  if (bytes.length < 12 || readTag(bytes, 0) !== 'RIFF' || readTag(bytes, 8) !== 'WAVE') {
    throw new WavFormatError('not-riff', `not a WAV file: expected "RIFF....WAVE" header in the first 12 bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffSize = view.getUint32(4, true);
  if (riffSize + 8 > bytes.length) {
    throw new WavFormatError('truncated', `WAV truncated: RIFF header announces ${riffSize + 8} bytes, got ${bytes.length}`);
  }
  const chunks = readChunks(bytes, view, riffSize + 8);
  const fmt = chunks.find((c) => c.id === 'fmt ');
  const data = chunks.find((c) => c.id === 'data');
  if (!fmt) throw new WavFormatError('missing-chunk', 'WAV has no "fmt " chunk');
  if (!data) throw new WavFormatError('missing-chunk', 'WAV has no "data" chunk');
  if (data.offset < fmt.offset) throw new WavFormatError('bad-format', 'WAV "data" chunk comes before "fmt "');
  const sampleRate = readFormat(view, fmt);
  if (data.size % 2 !== 0) {
    throw new WavFormatError('bad-format', `WAV data chunk is ${data.size} bytes, not a whole number of 16-bit samples`);
  }
  const samples = new Float32Array(data.size / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(data.offset + i * 2, true) / 0x8000;
  return { sampleRate, channels: 1, bitsPerSample: 16, samples };
}

function readChunks(bytes: Uint8Array, view: DataView, end: number): Chunk[] {
  const chunks: Chunk[] = [];
  let pos = 12;
  while (pos + 8 <= end) {
    const id = readTag(bytes, pos);
    const size = view.getUint32(pos + 4, true);
    const offset = pos + 8;
    if (offset + size > end) {
      throw new WavFormatError('truncated', `WAV truncated: chunk "${printable(id)}" at byte ${pos} announces ${size} bytes, only ${end - offset} remain`);
    }
    chunks.push({ id, offset, size });
    pos = offset + size + (size % 2); // chunks are padded to an even length
  }
  return chunks;
}

function readFormat(view: DataView, fmt: Chunk): number {
  if (fmt.size < 16) throw new WavFormatError('bad-format', `WAV "fmt " chunk is ${fmt.size} bytes, expected at least 16`);
  const format = view.getUint16(fmt.offset, true);
  const channels = view.getUint16(fmt.offset + 2, true);
  const sampleRate = view.getUint32(fmt.offset + 4, true);
  const byteRate = view.getUint32(fmt.offset + 8, true);
  const blockAlign = view.getUint16(fmt.offset + 12, true);
  const bits = view.getUint16(fmt.offset + 14, true);
  if (format !== 1) throw new WavFormatError('unsupported', `WAV audio format ${format} is not PCM (1)`);
  if (channels !== 1) throw new WavFormatError('unsupported', `WAV has ${channels} channels, only mono is supported`);
  if (bits !== 16) throw new WavFormatError('unsupported', `WAV has ${bits} bits per sample, only 16 is supported`);
  if (sampleRate < 1000 || sampleRate > 192_000) {
    throw new WavFormatError('bad-format', `WAV sample rate ${sampleRate} Hz is out of range (1000-192000)`);
  }
  if (blockAlign !== 2 || byteRate !== sampleRate * 2) {
    throw new WavFormatError('bad-format', `WAV fmt is inconsistent: blockAlign ${blockAlign} (expected 2), byteRate ${byteRate} (expected ${sampleRate * 2})`);
  }
  return sampleRate;
}

function writeTag(out: Uint8Array, offset: number, tag: string): void {
  for (let i = 0; i < 4; i++) out[offset + i] = tag.charCodeAt(i);
}

function readTag(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset] ?? 0, bytes[offset + 1] ?? 0, bytes[offset + 2] ?? 0, bytes[offset + 3] ?? 0);
}

function printable(tag: string): string {
  return tag.replace(/[^\x20-\x7e]/g, '?');
}
