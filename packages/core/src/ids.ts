/**
 * Job ids: UUID version 7 (RFC 9562), a 48-bit millisecond timestamp then random bits, so ids
 * created close in time sort close together. Storages index jobs by id; time-ordered ids land at
 * the right edge of that index instead of a random page, which keeps adds cheap as a queue grows.
 * @internal
 * @module
 */
import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = Buffer.alloc(10 * POOL_IDS);
let poolIndex = POOL_IDS;

function randomTen(): Buffer {
  if (poolIndex === POOL_IDS) {
    randomFillSync(pool);
    poolIndex = 0;
  }
  const start = poolIndex++ * 10;
  return pool.subarray(start, start + 10);
}

/** A new UUIDv7 string for `now` (ms since the epoch). @internal */
export function uuidv7(now: number = Date.now()): string {
  const ts = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  const r = randomTen();
  const hex = r.toString('hex');
  const version = `7${hex.slice(0, 3)}`;
  const variant = (((r[2] as number) & 0x3f) | 0x80).toString(16) + hex.slice(6, 8);
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-${version}-${variant}-${hex.slice(8, 20)}`;
}
