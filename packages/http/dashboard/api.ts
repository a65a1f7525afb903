/**
 * Talks to the handler: every URL is built from the base path the server wrote into the page
 * (`<meta name="waitline-base">`), so the pages work under any `basePath`. Every failure becomes an
 * {@link ApiError} carrying the handler's `{ error: { code, message } }` when it sent one.
 * @module
 */

/** A failed call: the HTTP status (0 when the network failed) and the handler's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads a `<meta name=…>` the server filled in; '' when it is absent. */
export function meta(name: string): string {
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
}

/** The handler's base path, without a trailing slash ('' at the root). */
export function basePath(): string {
  return meta('waitline-base').replace(/\/+$/, '');
}

/** A URL under the base path; each segment is percent-encoded. */
export function apiUrl(segments: readonly string[], query?: Record<string, string | number | undefined>): string {
  const path = `${basePath()}/${segments.map(encodeURIComponent).join('/')}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isErrorBody(body: unknown): body is { error: { code?: unknown; message?: unknown } } {
  return typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'object';
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page, say): the status line is all there is.
  }
  if (isErrorBody(body)) {
    const code = typeof body.error.code === 'string' ? body.error.code : `HTTP_${response.status}`;
    const message = typeof body.error.message === 'string' ? body.error.message : response.statusText;
    return new ApiError(response.status, code, message);
  }
  return new ApiError(response.status, `HTTP_${response.status}`, `${response.status} ${response.statusText}`.trim());
}

/**
 * The error a stream sent as an `error` event (`{ error: { code, message } }`), as an
 * {@link ApiError} with status 0; null for anything else.
 */
export function streamError(data: unknown): ApiError | null {
  if (!isErrorBody(data)) return null;
  const { code, message } = data.error;
  return new ApiError(0, typeof code === 'string' ? code : 'STREAM', typeof message === 'string' ? message : 'the live stream failed');
}

/** Calls the handler and parses its JSON answer; throws {@link ApiError} on a network failure or a non-2xx answer. */
export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `The server could not be reached (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!response.ok) throw await errorFrom(response);
  return (await response.json()) as T;
}

/** A GET under the base path. */
export function getJson<T>(segments: readonly string[], query?: Record<string, string | number | undefined>): Promise<T> {
  return request<T>('GET', apiUrl(segments, query));
}

/** Text for an error shown to the user: the handler's message and its code. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'NETWORK') return err.message;
    return err.status === 0 ? `${err.message} (${err.code})` : `${err.message} (${err.code}, HTTP ${err.status})`;
  }
  return err instanceof Error ? err.message : String(err);
}
