/**
 * `GET /metrics`: the Prometheus text of the handler's queues, from one collector per handler.
 * @module
 */
import type { App } from './app.js';
import { createMetrics, type WaitlineMetrics } from './metrics.js';
import type { Route, RouteContext } from './router.js';

/** Each handler's collector, made at its first scrape (its counters live as long as the handler). */
const collectors = new WeakMap<App, WaitlineMetrics>();

async function metrics({ app }: RouteContext): Promise<Response> {
  let collector = collectors.get(app);
  if (!collector) {
    const made = createMetrics([...app.queues.values()]);
    collectors.set(app, made);
    app.onClose(() => made.close());
    collector = made;
  }
  const text = await collector.render();
  return new Response(text, { status: 200, headers: { 'content-type': collector.contentType, 'cache-control': 'no-store' } });
}

/** The metrics route's table. */
export const METRICS_ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/metrics',
    tag: 'public',
    summary: 'Prometheus metrics of every queue (text format; see docs/http.md "Metrics")',
    answers: {
      200: { description: 'the metrics; a queue whose storage fails is reported with waitline_up 0', type: 'text/plain' },
      501: { description: 'the optional peer prom-client is not installed (METRICS_UNAVAILABLE)', schema: 'Error' },
    },
    run: metrics,
  },
];
