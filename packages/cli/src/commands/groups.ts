/**
 * The group commands (issue 14): `group-limits` (the per-group limits), `group-set` (a group's
 * weight) and `groups` (the caps and every group's weight). Each prints what it changed or read;
 * `--json` prints it as JSON. Core validates the values (nothing written on a bad one).
 * @module
 */
import { type QueueConfig, type QueueRateLimit, ValidationError } from '@waitline/core';
import type { Ctx } from '../context.js';
import { parseDuration } from '../duration.js';
import { formatMs, printJson, shellQuote, table } from '../output.js';

/** How the per-group limits read: "groups: at most 2 running, 100 waiting, 5 starts per 1m each", or "" when none is set. */
export function groupLimitsText(config: Pick<QueueConfig, 'groupConcurrency' | 'groupMaxWaiting' | 'groupRateLimit'>): string {
  const parts = [];
  if (config.groupConcurrency != null) parts.push(`${config.groupConcurrency} running`);
  if (config.groupMaxWaiting != null) parts.push(`${config.groupMaxWaiting} waiting`);
  const rate = config.groupRateLimit;
  if (rate != null) parts.push(`${rate.max} start${rate.max === 1 ? '' : 's'} per ${formatMs(rate.intervalMs)}`);
  return parts.length === 0 ? '' : `groups: at most ${parts.join(', ')} each`;
}

/** A cap as the command line gives it: an integer, or `off` for null (core validates the number). */
function capValue(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  return value === 'off' ? null : Number(value);
}

/** A group rate limit as the command line gives it: `max/duration` (`5/1m`), or `off` for null. */
function rateValue(value: string | undefined): QueueRateLimit | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'off') return null;
  const [max, per, ...rest] = value.split('/');
  if (max === undefined || per === undefined || rest.length > 0 || max.trim() === '') {
    throw new ValidationError('--rate is max/duration (e.g. 5/1m), or off', [{ path: ['rate'], message: 'expected max/duration' }]);
  }
  return { max: Number(max), intervalMs: parseDuration(per, ['rate']) };
}

/**
 * `group-limits <queue> --concurrency N --max-waiting N --rate N/duration` sets the per-group
 * limits for every process; `off` removes one, an option left out keeps it. Core validates the
 * values (a `ValidationError` at `groupConcurrency` or `groupRateLimit.max`, nothing written).
 */
export async function groupLimits(ctx: Ctx, queueName: string, options: { concurrency?: string; maxWaiting?: string; rate?: string }): Promise<void> {
  if (options.concurrency === undefined && options.maxWaiting === undefined && options.rate === undefined) {
    throw new ValidationError('give --concurrency, --max-waiting (a number, or off) and/or --rate (max/duration, or off)', [
      { path: ['concurrency'], message: 'required' },
    ]);
  }
  const config = await (await ctx.queue(queueName)).setGroupLimits({
    groupConcurrency: capValue(options.concurrency),
    groupMaxWaiting: capValue(options.maxWaiting),
    groupRateLimit: rateValue(options.rate),
  });
  if (ctx.json) printJson(ctx.out, config);
  else ctx.out.write(`queue ${queueName}: ${groupLimitsText(config) || 'no group limits'}\n`);
}

/**
 * `group-set <queue> <group> --weight N` gives the group N jobs per round of its level, for every
 * process; `--reset` removes its settings (weight 1). Core validates both (a `ValidationError` at
 * `settings.weight` or `group`, nothing written).
 */
export async function groupSet(ctx: Ctx, queueName: string, group: string, options: { weight?: string; reset?: boolean }): Promise<void> {
  if ((options.weight === undefined) === (options.reset !== true)) {
    throw new ValidationError('give --weight N, or --reset, not both', [{ path: ['weight'], message: 'give one of --weight and --reset' }]);
  }
  const weight = options.reset === true ? null : Number(options.weight);
  await (await ctx.queue(queueName)).setGroup(group, weight === null ? null : { weight });
  if (ctx.json) printJson(ctx.out, { group, weight: weight ?? 1 });
  else ctx.out.write(`queue ${queueName}: group ${group} takes ${weight ?? 1} job${weight === 1 || weight === null ? '' : 's'} per round\n`);
}

/**
 * `groups <queue> [--limit N] [--after NAME]`: the per-group limits, then a page of the groups
 * with a waiting or running job or a weight (by name), each with its jobs and weight; when more
 * follow, the `--after` that shows them.
 */
export async function groups(ctx: Ctx, queueName: string, options: { limit?: string; after?: string } = {}): Promise<void> {
  const queue = await ctx.queue(queueName);
  const listed = { limit: options.limit === undefined ? 50 : Number(options.limit), ...(options.after === undefined ? {} : { after: options.after }) };
  const [config, page] = await Promise.all([queue.getConfig(), queue.listGroups(listed)]);
  if (ctx.json) {
    const { groupConcurrency = null, groupMaxWaiting = null, groupRateLimit = null } = config;
    printJson(ctx.out, { groupConcurrency, groupMaxWaiting, groupRateLimit, groups: page.items, nextAfter: page.nextAfter });
    return;
  }
  ctx.out.write(`queue ${queueName}: ${groupLimitsText(config) || 'no group limits'}\n`);
  if (page.items.length === 0) ctx.out.write(options.after === undefined ? 'no group has a waiting or running job or a weight\n' : 'no more groups\n');
  else
    ctx.out.write(
      table(
        ['group', 'ready', 'scheduled', 'running', 'weight'],
        page.items.map((g) => [g.group, String(g.ready), String(g.scheduled), String(g.running), String(g.weight)]),
      ),
    );
  if (page.nextAfter !== null) ctx.out.write(`more: waitline groups ${shellQuote(queueName)} --after ${shellQuote(page.nextAfter)}\n`);
}
