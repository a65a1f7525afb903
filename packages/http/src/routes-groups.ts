/**
 * The group routes (issue 14): the per-group caps of a queue, and each named group's weight. Every
 * route asks `authorize` first and hands values to core, which validates them (a bad one answers
 * 400 at its path under `body`, nothing written).
 * @module
 */
import { z } from 'zod';
import { readJson, readQuery } from './body.js';
import { ValidationError } from '@waitline/core';
import { HttpError, json } from './errors.js';
import type { Route, RouteContext } from './router.js';
import { admitted } from './routes-admin.js';
import { configAnswer, onBody } from './routes-control.js';
import { GroupCountsSchema, GroupLimitsBodySchema, GroupSettingsBodySchema, GroupSettingsSchema, GroupsQuerySchema } from './schemas.js';

const settingsAnswer = z.object({ group: GroupSettingsSchema });
const bad = { description: 'a bad body or group name, or a storage without groups', schema: 'Error' as const };
const missing = { description: 'no such queue', schema: 'Error' as const };

/** Asks `authorize`, then stores the weight `read` gives (null removes the settings) and answers the group as it now stands. */
async function setWeight(ctx: RouteContext, read: (ctx: RouteContext) => Promise<number | null>): Promise<Response> {
  const queue = await admitted(ctx, 'queue.groups');
  const weight = await read(ctx);
  const group = ctx.params.group as string;
  try {
    await queue.setGroup(group, weight === null ? null : { weight });
  } catch (error) {
    // Core names the value by its argument (`settings.weight`, `group`); the request has it in the body or the path.
    if (error instanceof ValidationError) {
      const [head, ...rest] = error.path;
      throw new HttpError(400, 'VALIDATION', error.message, head === 'settings' ? ['body', ...rest] : ['params', ...error.path]);
    }
    throw error;
  }
  return json(200, { group: { group, weight: weight ?? 1 } });
}

/** The group routes, mounted with the other admin routes. */
export const GROUP_ROUTES: Route[] = [
  {
    method: 'PUT',
    path: '/queues/:queue/group-limits',
    tag: 'admin',
    action: 'queue.groupLimits',
    summary:
      'Sets the per-group limits for every process (most running jobs, most waiting jobs and most starts per window of any one group); null removes one, a field left out keeps it',
    body: GroupLimitsBodySchema,
    answers: { 200: { description: 'the stored configuration', schema: configAnswer }, 400: bad, 404: missing },
    run: async (ctx) => {
      const queue = await admitted(ctx, 'queue.groupLimits');
      const body = await readJson(ctx.request, GroupLimitsBodySchema, ctx.app.config.maxBodyBytes);
      return json(200, { config: await onBody(() => queue.setGroupLimits(body)) });
    },
  },
  {
    method: 'GET',
    path: '/queues/:queue/groups',
    tag: 'admin',
    action: 'queues.read',
    summary: 'A page of the named groups with a waiting or running job or a weight, by name, with their ready, scheduled and running jobs',
    query: GroupsQuerySchema,
    answers: {
      200: { description: 'a page of groups', schema: z.object({ groups: z.array(GroupCountsSchema), nextAfter: z.string().nullable() }) },
      400: bad,
      404: missing,
    },
    run: async (ctx) => {
      const queue = await admitted(ctx, 'queues.read');
      const { limit, after } = readQuery(ctx.url, GroupsQuerySchema);
      const page = await queue.listGroups({ limit, ...(after === undefined ? {} : { after }) }).catch((error: unknown) => {
        // Core names a bad option at ['options', key] (the request has it in the query), and a storage without groups at ['queue'].
        if (!(error instanceof ValidationError)) throw error;
        const [head, ...rest] = error.path;
        throw new HttpError(400, 'VALIDATION', error.message, head === 'options' ? ['query', ...rest] : ['params', ...error.path]);
      });
      return json(200, { groups: page.items, nextAfter: page.nextAfter });
    },
  },
  {
    method: 'PUT',
    path: '/queues/:queue/groups/:group',
    tag: 'admin',
    action: 'queue.groups',
    summary: 'Gives a group its weight for every process: the jobs it takes per round of its level, where others take one',
    body: GroupSettingsBodySchema,
    answers: { 200: { description: 'the group as stored', schema: settingsAnswer }, 400: bad, 404: missing },
    run: (ctx) => setWeight(ctx, async (c) => (await readJson(c.request, GroupSettingsBodySchema, c.app.config.maxBodyBytes)).weight),
  },
  {
    method: 'DELETE',
    path: '/queues/:queue/groups/:group',
    tag: 'admin',
    action: 'queue.groups',
    summary: 'Removes a group’s settings: it takes one job per round again',
    answers: { 200: { description: 'the group as it now stands (weight 1)', schema: settingsAnswer }, 400: bad, 404: missing },
    run: (ctx) => setWeight(ctx, async () => null),
  },
];
