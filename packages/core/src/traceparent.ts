/**
 * The W3C Trace Context `traceparent` header value a job carries (version 00 only): parsing and
 * formatting, with no dependency on OpenTelemetry, so validation costs nothing when it is absent.
 * @internal
 * @module
 */

/**
 * `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`, lowercase as the W3C recommendation
 * requires; an all-zero trace id or span id is invalid there, and so here.
 * @internal
 */
const TRACEPARENT = /^00-(?!0{32}-)([0-9a-f]{32})-(?!0{16}-)([0-9a-f]{16})-([0-9a-f]{2})$/;

/** What a valid `traceparent` names. @internal */
export interface TraceparentParts {
  traceId: string;
  spanId: string;
  /** The trace flags as a number (bit 0: sampled). */
  traceFlags: number;
}

/** What a malformed `traceparent` is told, in a `ValidationError`. @internal */
export const TRACEPARENT_PROBLEM = 'a W3C traceparent: 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>, lowercase, ids not all zero';

/** True for a valid version-00 `traceparent`. @internal */
export function isTraceparent(value: string): boolean {
  return TRACEPARENT.test(value);
}

/** The parts of a valid `traceparent`, or null for anything else. @internal */
export function parseTraceparent(value: string | null | undefined): TraceparentParts | null {
  const m = typeof value === 'string' ? TRACEPARENT.exec(value) : null;
  if (!m) return null;
  return { traceId: m[1] as string, spanId: m[2] as string, traceFlags: Number.parseInt(m[3] as string, 16) };
}

/** The `traceparent` of a span context, or null when its ids are not valid W3C ids. @internal */
export function formatTraceparent(parts: TraceparentParts): string | null {
  const flags = (parts.traceFlags & 0xff).toString(16).padStart(2, '0');
  const value = `00-${parts.traceId}-${parts.spanId}-${flags}`;
  return isTraceparent(value) ? value : null;
}
