/**
 * The route table's types and its matcher: `/jobs/:queue/:id` style patterns, each parameter one
 * URL-decoded path segment.
 * @module
 */
import type { z } from 'zod';
import type { App } from './app.js';
import type { COMPONENTS } from './schemas.js';

/** The name of an admin action `authorize` is asked about. */
export type ActionName =
  | 'queues.read'
  | 'jobs.read'
  | 'events.read'
  | 'job.cancel'
  | 'job.retry'
  | 'job.promote'
  | 'job.priority'
  | 'job.add'
  | 'queue.pause'
  | 'queue.resume'
  | 'queue.drain'
  | 'queue.clear'
  | 'queue.clean'
  | 'queue.rateLimit'
  | 'queue.groupLimits'
  | 'queue.groups';

/** What an admin request wants to do, and to which queue and job. */
export interface AdminAction {
  name: ActionName;
  queue?: string;
  jobId?: string;
}

/** A matched request as a route sees it. */
export interface RouteContext {
  request: Request;
  url: URL;
  params: Record<string, string>;
  app: App;
}

/** How a route answers, for the OpenAPI document. */
export interface RouteAnswer {
  description: string;
  /** A named component or an inline schema, for JSON answers. */
  schema?: keyof typeof COMPONENTS | z.ZodType;
  /** Non-JSON answers. */
  type?: 'text/event-stream' | 'text/plain' | 'text/html' | 'application/javascript';
}

/** One route. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  tag: 'public' | 'admin' | 'dashboard';
  /** Admin routes name the action `authorize` is asked about. */
  action?: ActionName;
  query?: z.ZodType;
  body?: z.ZodType;
  answers: Record<number, RouteAnswer>;
  /** Left out of the OpenAPI document (static files). */
  hidden?: boolean;
  run(ctx: RouteContext): Promise<Response> | Response;
}

/** The result of matching a path against the table. */
export type Match = { route: Route; params: Record<string, string> } | { route: null; allowed: string[] };

function matchPath(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) {
      if (s === '') return null;
      // The handler answers 400 before matching a path whose %-escapes do not decode.
      params[p.slice(1)] = decodeURIComponent(s);
    } else if (p !== s) return null;
  }
  return params;
}

/** Compiles the table into a matcher: the route for a method and path, or the methods the path allows. */
export function compileRoutes(routes: readonly Route[]): (method: string, path: string) => Match {
  const compiled = routes.map((route) => ({ route, pattern: route.path.split('/').slice(1) }));
  return (method, path) => {
    const segments = path.split('/').slice(1);
    const allowed: string[] = [];
    for (const { route, pattern } of compiled) {
      const params = matchPath(pattern, segments);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params };
      allowed.push(route.method);
    }
    return { route: null, allowed };
  };
}
