/**
 * Request bodies: JSON only, read up to a byte limit, validated by a zod schema with the offending
 * value's path under `body`.
 * @module
 */
import type { z } from 'zod';
import { HttpError } from './errors.js';

/** Reads at most `maxBytes` of a body; throws 413 beyond it without reading the rest. */
async function readLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(concat(chunks, total));
  } catch {
    // Replacing bad bytes with U+FFFD would store a payload other than the one sent.
    throw new HttpError(400, 'BAD_REQUEST', 'the request body is not valid UTF-8', ['body']);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`, ['body']);
}

/**
 * Parses a JSON body against `schema`. An empty body stands for `{}`. A body that is not JSON is
 * 415 (wrong content type) or 400 (malformed); a value the schema refuses is 400 `VALIDATION`
 * with the path of the first issue under `body`.
 */
export async function readJson<T>(request: Request, schema: z.ZodType<T>, maxBytes: number): Promise<T> {
  const type = request.headers.get('content-type');
  const text = await readLimited(request, maxBytes);
  let value: unknown = {};
  if (text.trim() !== '') {
    if (type !== null && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `the body must be JSON (content-type: application/json), not ${type}`, ['body']);
    }
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new HttpError(400, 'BAD_REQUEST', `the body is not valid JSON: ${(error as Error).message}`, ['body']);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HttpError(400, 'VALIDATION', `body${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`, [
      'body',
      ...(issue.path as Array<string | number>),
    ]);
  }
  return parsed.data;
}

/**
 * Reads the query string against `schema`; a refused parameter is 400 `VALIDATION` with its path
 * under `query`. A parameter given twice is refused too (which one would count is a guess).
 */
export function readQuery<T>(url: URL, schema: z.ZodType<T>): T {
  const query: Record<string, string> = Object.create(null);
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(query, key)) throw new HttpError(400, 'VALIDATION', `query ${key}: given more than once`, ['query', key]);
    query[key] = value;
  }
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new HttpError(400, 'VALIDATION', `query ${issue.path.join('.')}: ${issue.message}`, ['query', ...(issue.path as Array<string | number>)]);
}
