/**
 * The group commands (issue 14): `group-limits` (the per-group caps), `group-set` (a group's
 * weight) and `groups` (the caps and every group's weight). Each prints what it changed or read;
 * `--json` prints it as JSON. Core validates the values (nothing written on a bad one).
 * @module
 */
import { ValidationError } from '@waitline/core';
import type { Ctx } from '../context.js';
import { printJson, table } from '../output.js';

/** How the per-group caps read: "groups: at most 2 running, 100 waiting each", or "" when neither is set. */
export function groupLimitsText(config: { groupConcurrency?: number | null | undefined; groupMaxWaiting?: number | null | undefined }): string {
  const parts = [];
  if (config.groupConcurrency != null) parts.push(`${config.groupConcurrency} running`);
  if (config.groupMaxWaiting != null) parts.push(`${config.groupMaxWaiting} waiting`);
  return parts.length === 0 ? '' : `groups: at most ${parts.join(', ')} each`;
}

/** A cap as the command line gives it: an integer, or `off` for null (core validates the number). */
function capValue(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  return value === 'off' ? null : Number(value);
}

/**
 * `group-limits <queue> --concurrency N --max-waiting N` sets the per-group caps for every
 * process; `off` removes one, an option left out keeps it. Core validates the values (a
 * `ValidationError` at `groupConcurrency`, nothing written).
 */
export async function groupLimits(ctx: Ctx, queueName: string, options: { concurrency?: string; maxWaiting?: string }): Promise<void> {
  if (options.concurrency === undefined && options.maxWaiting === undefined) {
    throw new ValidationError('give --concurrency and/or --max-waiting (a number, or off)', [{ path: ['concurrency'], message: 'required' }]);
  }
  const config = await (await ctx.queue(queueName)).setGroupLimits({
    groupConcurrency: capValue(options.concurrency),
    groupMaxWaiting: capValue(options.maxWaiting),
  });
  if (ctx.json) printJson(ctx.out, config);
  else ctx.out.write(`queue ${queueName}: ${groupLimitsText(config) || 'no group caps'}\n`);
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

/** `groups <queue>`: the per-group caps, then every group with a weight. */
export async function groups(ctx: Ctx, queueName: string): Promise<void> {
  const queue = await ctx.queue(queueName);
  const [config, settings] = await Promise.all([queue.getConfig(), queue.listGroupSettings()]);
  if (ctx.json) {
    printJson(ctx.out, { groupConcurrency: config.groupConcurrency ?? null, groupMaxWaiting: config.groupMaxWaiting ?? null, groups: settings });
    return;
  }
  ctx.out.write(`queue ${queueName}: ${groupLimitsText(config) || 'no group caps'}\n`);
  if (settings.length === 0) ctx.out.write('every group takes 1 job per round\n');
  else
    ctx.out.write(
      table(
        ['group', 'weight'],
        settings.map((g) => [g.group, String(g.weight)]),
      ),
    );
}
