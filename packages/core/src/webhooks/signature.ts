/**
 * Signing webhook deliveries and checking their signatures. A delivery carries
 * `Waitline-Signature: t=<ms since the epoch>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`,
 * so a receiver that knows the secret can tell the body came from its sender, unaltered, recently.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature. */
export const WEBHOOK_SIGNATURE_HEADER = 'waitline-signature';

/** The default tolerance of {@link verifyWebhookSignature}: five minutes either side. */
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 300_000;

function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(body);
  return hmac.digest('hex');
}

/**
 * The `Waitline-Signature` header value for `body` sent at `timestamp` (ms): `t=<timestamp>,v1=<hex>`.
 * The HMAC covers the timestamp too, so a captured delivery cannot be replayed with a new time.
 */
export function signWebhook(secret: string, timestamp: number, body: string | Uint8Array): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/** What {@link verifyWebhookSignature} checks. */
export interface VerifyWebhookOptions {
  /** The secret the delivery worker signs with (`startWebhookDelivery`'s `secret`). */
  secret: string;
  /** The `Waitline-Signature` header as received (a missing header fails). */
  header: string | null | undefined;
  /** The raw request body exactly as received: the bytes, or their UTF-8 text. Not re-serialised JSON. */
  body: string | Uint8Array;
  /** How far the signed time may be from `now`, either way, in ms. Default 300 000 (five minutes). */
  toleranceMs?: number | undefined;
  /** The receiver's clock, ms since the epoch. Default `Date.now()`. */
  now?: number | undefined;
}

/** The timestamp and `v1` signatures of a header, or null when it is malformed. */
function parseHeader(header: string): { t: number; v1: string[] } | null {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,16}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) v1.push(value);
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}

/**
 * True when `header` is a valid signature of `body` with `secret`, made within `toleranceMs` of
 * `now`. Compares in constant time; never throws (a missing or malformed header is false, and so
 * is every header when `toleranceMs` is NaN or negative or `now` is not finite, and every body
 * that is not the raw text or bytes: a parsed object, an `ArrayBuffer`, undefined). Check the raw
 * body before parsing it: any change to it, even whitespace, fails the check.
 */
export function verifyWebhookSignature(options: VerifyWebhookOptions): boolean {
  const { secret, header, body } = options;
  if (typeof header !== 'string' || typeof secret !== 'string' || secret === '') return false;
  // A parsed body (express.json()), an ArrayBuffer or nothing cannot be the bytes that were signed.
  if (typeof body !== 'string' && !ArrayBuffer.isView(body)) return false;
  const parsed = parseHeader(header);
  if (parsed === null) return false;
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceMs ?? DEFAULT_SIGNATURE_TOLERANCE_MS;
  // A NaN clock or tolerance (`Number(process.env.UNSET)`) would make every age pass: it fails.
  if (!Number.isFinite(now) || !(tolerance >= 0) || !(Math.abs(now - parsed.t) <= tolerance)) return false;
  const expected = Buffer.from(hmacHex(secret, parsed.t, body), 'hex');
  return parsed.v1.some((candidate) => timingSafeEqual(Buffer.from(candidate, 'hex'), expected));
}
