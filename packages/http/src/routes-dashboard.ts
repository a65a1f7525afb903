/**
 * The dashboard's routes: its page, its static files and the per-job status page. None asks
 * `authorize`: the dashboard's page holds no data (it reads the admin routes, which do ask), and
 * the status page reads only the public routes.
 * @module
 */
import { assetResponse, dashboardResponse, statusPageResponse } from './assets.js';
import { HttpError } from './errors.js';
import type { Route } from './router.js';

/** The dashboard routes' table; served unless `createHandler({ dashboard: false })`. */
export const DASHBOARD_ROUTES: Route[] = [
  {
    method: 'GET',
    path: '/',
    tag: 'dashboard',
    summary: 'The live dashboard (its data comes from the admin routes)',
    answers: { 200: { description: 'the dashboard’s page', type: 'text/html' } },
    run: ({ app }) => dashboardResponse(app.config.basePath),
  },
  {
    method: 'GET',
    path: '/assets/:file',
    tag: 'dashboard',
    summary: 'The dashboard’s static files',
    hidden: true,
    answers: { 200: { description: 'a script or style sheet', type: 'application/javascript' } },
    run: async ({ params, request }) => {
      const response = await assetResponse(params.file!, request);
      if (!response) throw new HttpError(404, 'NOT_FOUND', `no dashboard file named "${params.file}"`);
      return response;
    },
  },
  {
    method: 'GET',
    path: '/status/:queue/:id',
    tag: 'public',
    summary: 'A job’s status page for its user: position and ETA, then progress, then the outcome, live',
    answers: { 200: { description: 'the status page', type: 'text/html' }, 404: { description: 'no such queue', schema: 'Error' } },
    run: ({ app, params }) => statusPageResponse(app.config.basePath, app.queue(params.queue).name, params.id!),
  },
];
