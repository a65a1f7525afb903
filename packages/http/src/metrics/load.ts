/**
 * Loads the optional peer `prom-client` on first use, so `@waitline/http` works (every route but
 * `/metrics`) without it.
 * @module
 */
import type * as PromClient from 'prom-client';

/** The `prom-client` module, as the metrics collector uses it. */
export type PromClientModule = typeof PromClient;

/** The Prometheus text format's content type (what `prom-client`'s default `Registry` answers with). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Thrown by a metrics scrape when the optional peer dependency `prom-client` (15.x) is not
 * installed. It carries `code` `'METRICS_UNAVAILABLE'` and `status` 501: the handler answers
 * `GET /metrics` with 501 and this message. `cause` is the module-resolution error.
 */
export class MetricsUnavailableError extends Error {
  /** Stable code to branch on. */
  readonly code = 'METRICS_UNAVAILABLE' as const;
  /** The HTTP status the handler answers with. */
  readonly status = 501;
  /** Empty: the error is not about an input. */
  readonly path: ReadonlyArray<string | number> = [];

  constructor(cause?: unknown) {
    super('Prometheus metrics need the optional peer dependency prom-client (15.x): npm i prom-client', { cause });
    this.name = 'MetricsUnavailableError';
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
