/**
 * HTTP errors: every error answer is `{ error: { code, message, path } }` with the status that fits.
 * @module
 */
import { WaitlineError } from '@waitline/core';

/** Codes the HTTP layer adds to core's `WaitlineErrorCode`s. */
export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'QUEUE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TOO_MANY_STREAMS'
  | 'METRICS_UNAVAILABLE'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/**
 * An error that answers with its own status. `authorize` may throw `new HttpError(401, …)` to ask
 * for credentials instead of the 403 a `false` answer gives; pass `headers` such as
 * `{ 'www-authenticate': 'Basic realm="waitline"' }` to say how (a browser then prompts for Basic
 * credentials). The headers go on the error answer as given.
 */
export class HttpError extends Error {
  /** Where in the request the offending value sits, e.g. `['body', 'priority']`; empty when none. */
  readonly path: ReadonlyArray<string | number>;
  /** Headers added to the error answer. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    readonly code: HttpErrorCode | string,
    message: string,
    path: ReadonlyArray<string | number> = [],
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.path = path;
    this.headers = headers;
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; path: Array<string | number> };
}

const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION: 400,
  RETRY_POLICY: 400,
  JOB_NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  QUEUE_DRAINING: 409,
  QUEUE_FULL: 429,
  GROUP_FULL: 429,
  STORAGE_UNAVAILABLE: 503,
  STORAGE_RESET: 503,
  WAIT_TIMEOUT: 504,
};

/** The status and body for any thrown value; unknown errors answer 500 with their message hidden. */
export function errorAnswer(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, path: [...error.path] } } };
  }
  if (error instanceof WaitlineError) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    const message = status === 500 ? 'internal error' : error.message;
    return { status, body: { error: { code: status === 500 ? 'INTERNAL' : error.code, message, path: [...error.path] } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error', path: [] } } };
}

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** The error answer for any thrown value, with an `HttpError`'s own headers. */
export function errorResponse(error: unknown): Response {
  const { status, body } = errorAnswer(error);
  return json(status, body, error instanceof HttpError ? { ...error.headers } : {});
}
