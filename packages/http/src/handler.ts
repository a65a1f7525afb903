/**
 * `createHandler`: one web-standard fetch handler for every route, under a base path.
 * @module
 */
import { parseOptions, type Queue, ValidationError } from '@waitline/core';
import { z } from 'zod';
import { App, type Authorize } from './app.js';
import { crossSiteRefusal } from './cross-site.js';
import { errorResponse, HttpError, json } from './errors.js';
import { buildOpenApi } from './openapi.js';
import type { ExposeOptions } from './projections.js';
import { compileRoutes, type Route } from './router.js';
import { ADMIN_READ_ROUTES } from './routes-admin.js';
import { METRICS_ROUTES } from './routes-metrics.js';
import { CONTROL_ROUTES } from './routes-control.js';
import { GROUP_ROUTES } from './routes-groups.js';
import { DASHBOARD_ROUTES } from './routes-dashboard.js';
import { PUBLIC_ROUTES } from './routes-public.js';

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /** The queues served, by name; two with one name are refused. */
  queues: readonly Queue[];
  /**
   * Decides each admin request: answer true to allow it. Without it every admin route answers 403
   * (with a message saying how to allow them). Throw `new HttpError(401, 'UNAUTHORIZED', …)` to ask
   * for credentials. Public routes never call it.
   */
  authorize?: Authorize | undefined;
  /** The path the handler is mounted under, such as `/waitline`; default `''`. Other paths answer 404. */
  basePath?: string | undefined;
  /** What each queue's public status shows beyond state, position, ETA and progress (all hidden by default). */
  expose?: Record<string, ExposeOptions> | undefined;
  /** Allows `POST /queues/:queue/jobs` (still through `authorize`); default false. */
  allowAdd?: boolean | undefined;
  /** Largest request body read, in bytes; default 1 MiB. Larger ones answer 413. */
  maxBodyBytes?: number | undefined;
  /** Most SSE streams open at once in this handler; default 1,000. More answer 503. */
  maxStreams?: number | undefined;
  /** A keep-alive comment goes down every open stream this often; default 15,000 ms. */
  keepAliveMs?: number | undefined;
  /** `GET /health` reports a storage that takes longer than this as down; default 2,000 ms. */
  healthTimeoutMs?: number | undefined;
  /** Serves the dashboard and the job status page; default true. */
  dashboard?: boolean | undefined;
}

/** A fetch handler, and what it holds open. */
export interface WaitlineHandler {
  /** Answers one request; never rejects (errors are answers). */
  (request: Request): Promise<Response>;
  /** How many SSE streams are open. */
  readonly openStreams: number;
  /** How many queues hold a storage subscription for their streams (at most one each). */
  readonly subscriptions: number;
  /** Ends every open stream and drops every subscription; the queues stay open (they are the app's). */
  close(): void;
}

const optionsSchema = z
  .object({
    queues: z.array(z.custom<Queue>((q) => typeof q === 'object' && q !== null && typeof (q as Queue).getStatus === 'function', 'a Queue')).min(1),
    authorize: z.custom<Authorize>((f) => typeof f === 'function', 'a function (request, action) => boolean').optional(),
    basePath: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/, "a path such as '/waitline' (no trailing slash), or ''")
      .optional(),
    expose: z
      .record(z.string(), z.object({ payload: z.boolean(), result: z.boolean(), error: z.boolean(), progressData: z.boolean() }).partial().strict())
      .optional(),
    allowAdd: z.boolean().optional(),
    maxBodyBytes: z
      .number()
      .int()
      .min(1)
      .max(2 ** 30)
      .optional(),
    maxStreams: z.number().int().min(1).max(1_000_000).optional(),
    keepAliveMs: z
      .number()
      .int()
      .min(1_000)
      .max(2 ** 31 - 1)
      .optional(),
    healthTimeoutMs: z.number().int().min(1).max(60_000).optional(),
    dashboard: z.boolean().optional(),
  })
  .strict();

function refuse(message: string, path: Array<string | number>): never {
  throw new ValidationError(`invalid handler options: ${message}`, [{ path, message }]);
}

function buildApp(options: HandlerOptions): App {
  const o = parseOptions(optionsSchema, options, 'handler options', ['options']);
  const names = new Set<string>();
  o.queues.forEach((q, i) => {
    if (names.has(q.name)) refuse(`two queues are named "${q.name}"`, ['options', 'queues', i]);
    names.add(q.name);
  });
  for (const name of Object.keys(o.expose ?? {})) {
    if (!names.has(name)) refuse(`expose names "${name}", which is not in queues`, ['options', 'expose', name]);
  }
  return new App(o.queues, {
    basePath: o.basePath ?? '',
    authorize: o.authorize,
    expose: o.expose ?? {},
    allowAdd: o.allowAdd ?? false,
    maxBodyBytes: o.maxBodyBytes ?? 1024 * 1024,
    maxStreams: o.maxStreams ?? 1_000,
    keepAliveMs: o.keepAliveMs ?? 15_000,
    healthTimeoutMs: o.healthTimeoutMs ?? 2_000,
    dashboard: o.dashboard ?? true,
    timing: { jobRefreshMs: 200, etaRefreshMs: 5_000, fullReadsPerSweep: 50, statsRefreshMs: 1_000, idleRefreshMs: 5_000, readConcurrency: 8 },
  });
}

function routeTable(app: App): Route[] {
  const routes: Route[] = [
    ...PUBLIC_ROUTES,
    ...METRICS_ROUTES,
    ...ADMIN_READ_ROUTES,
    ...CONTROL_ROUTES,
    ...GROUP_ROUTES,
    ...(app.config.dashboard ? DASHBOARD_ROUTES : []),
  ];
  let document: Record<string, unknown> | undefined;
  routes.push({
    method: 'GET',
    path: '/openapi.json',
    tag: 'public',
    summary: 'This document',
    answers: { 200: { description: 'the OpenAPI 3.1 document' } },
    run: () => json(200, (document ??= buildOpenApi(routes, app.config.basePath, [...app.queues.values()]))),
  });
  return routes;
}

/** True when every segment of `path` percent-decodes (`%ZZ` or a cut `%E2%82` do not). */
function segmentsDecode(path: string): boolean {
  try {
    for (const segment of path.split('/')) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * The answer for a path no route of this method serves: OPTIONS gets 204 with the methods the path
 * allows, another method 405 with them, and a path no route serves 404.
 */
function unrouted(method: string, path: string, allowed: string[]): Response {
  if (allowed.length === 0) throw new HttpError(404, 'NOT_FOUND', `no route for ${method} ${path}`);
  const methods = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  if (method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow: methods } });
  const e = new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${allowed.join(' or ')}`);
  return withHeader(errorResponse(e), 'allow', methods);
}

/**
 * Builds the handler. Options are validated at once (a `ValidationError` with the path of the
 * offending option). The handler answers every request, errors included, as
 * `{ error: { code, message, path } }` with the status that fits (see docs/http.md).
 */
export function createHandler(options: HandlerOptions): WaitlineHandler {
  const app = buildApp(options);
  const match = compileRoutes(routeTable(app));
  const { basePath } = app.config;
  const handle = async (request: Request): Promise<Response> => {
    try {
      const url = new URL(request.url);
      const path = url.pathname === basePath ? '/' : url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : null;
      if (path === null) throw new HttpError(404, 'NOT_FOUND', `${url.pathname} is outside ${basePath}`);
      if (!segmentsDecode(path)) throw new HttpError(400, 'BAD_REQUEST', `${url.pathname} holds a malformed %-escape`);
      const found = match(request.method, path);
      if (!found.route) return unrouted(request.method, path, found.allowed);
      const refusal = crossSiteRefusal(request, url);
      if (refusal) throw new HttpError(403, 'FORBIDDEN', `cross-site request refused: ${refusal}`);
      const response = await found.route.run({ request, url, params: found.params, app });
      if (request.method !== 'HEAD') return response;
      await response.body?.cancel();
      return new Response(null, { status: response.status, headers: response.headers });
    } catch (error) {
      return errorResponse(error);
    }
  };
  return Object.defineProperties(handle, {
    openStreams: { get: () => app.streams.size },
    subscriptions: { get: () => app.subscriptions },
    close: { value: () => app.close() },
  }) as WaitlineHandler;
}

function withHeader(response: Response, name: string, value: string): Response {
  response.headers.set(name, value);
  return response;
}
