/**
 * Loads the optional peer `prom-client` on first use, so `@waitline/http` works (every route but
 * `/metrics`) without it.
 * @module
 */
import type * as PromClient from 'prom-client';
import { HttpError } from '../errors.js';

/** The `prom-client` module, as the metrics collector uses it. */
export type PromClientModule = typeof PromClient;

/** The Prometheus text format's content type (what `prom-client`'s default `Registry` answers with). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Thrown by a metrics scrape when the optional peer dependency `prom-client` (15.x) is not
 * installed: an `HttpError` with status 501 and code `'METRICS_UNAVAILABLE'`, so the handler
 * answers `GET /metrics` with 501 and this message. `cause` is the module-resolution error.
 */
export class MetricsUnavailableError extends HttpError {
  constructor(cause?: unknown) {
    super(501, 'METRICS_UNAVAILABLE', 'Prometheus metrics need the optional peer dependency prom-client (15.x): npm i prom-client');
    this.name = 'MetricsUnavailableError';
    if (cause !== undefined) this.cause = cause;
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * Imports a module through `load` and hands back its CommonJS exports (`default` under ESM, the
 * namespace under the CJS build). A module that cannot be found becomes
 * {@link MetricsUnavailableError}; any other failure is rethrown as it is.
 * @internal
 */
export async function importPeer<T>(load: () => Promise<unknown>): Promise<T> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (error) {
    throw isModuleNotFound(error) ? new MetricsUnavailableError(error) : error;
  }
  const namespace = mod as { default?: unknown };
  return (namespace.default ?? namespace) as T;
}

let promClient: Promise<PromClientModule> | undefined;

/**
 * `prom-client`, imported once on first call (a failed import is tried again next time). Rejects
 * with {@link MetricsUnavailableError} when it is not installed.
 * @internal
 */
export function loadPromClient(): Promise<PromClientModule> {
  promClient ??= importPeer<PromClientModule>(() => import('prom-client')).catch((error: unknown) => {
    promClient = undefined;
    throw error;
  });
  return promClient;
}
