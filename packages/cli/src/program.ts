/**
 * The `waitline` command line: commander wires each command to its function; `run` turns every
 * outcome into an exit code (0 ok, 1 failure, 2 usage) and one `error CODE: message (at path)` line.
 * @module
 */
import { ValidationError } from '@waitline/core';
import { Command, CommanderError, Option } from 'commander';
import { clean, clear, jobAction, priority, queueAction, rateLimit } from './commands/actions.js';
import { groupLimits, groups, groupSet } from './commands/groups.js';
import { doctor } from './commands/doctor.js';
import { list, show, stats } from './commands/reads.js';
import { addTransferCommands } from './commands/transfer.js';
import { watch } from './commands/watch.js';
import { type Ctx, type GlobalOptions, withContext } from './context.js';
import { errorLine, type Out, processOut } from './output.js';

type Action = (ctx: Ctx, ...args: string[]) => Promise<void>;

function build(out: Out, ran: { fn?: () => Promise<void> }): Command {
  const program = new Command('waitline')
    .description('Inspect and operate Waitline queues on SQLite, Postgres or Redis.')
    .addOption(new Option('--storage <url>', 'sqlite:./jobs.db, postgres://… (?schema=), redis://… or rediss://… (?prefix=)').env('WAITLINE_STORAGE'))
    .option('--json', 'print JSON instead of tables')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => out.error(s) });

  // Commander calls an action with its positional arguments, its own options, then the command.
  const defer =
    (fn: Action) =>
    (...args: unknown[]): void => {
      const local = args.at(-2) as Record<string, string>;
      const positional = args.slice(0, -2) as string[];
      const options = { ...program.opts<GlobalOptions>(), ...local };
      ran.fn = () => withContext(options, out, (ctx) => fn(ctx, ...positional, local as never));
    };

  program
    .command('stats [queue]')
    .description('counts, workers, utilisation, success rate, run and wait times (every queue when none is named)')
    .action(defer(stats as Action));
  program
    .command('watch [queue]')
    .description('a live view redrawn on events: counts, utilisation, running jobs with progress, the next waiting jobs with ETA')
    .option('--rows <n>', 'running and waiting jobs to show (1-100, default 5)')
    .option('--refresh <duration>', 'redraw at least this often without events (default 5s)')
    .action(defer(watch as Action));
  program
    .command('doctor')
    .description('check the storage, schema, workers, expired leases and server settings; exit 1 when something needs attention')
    .action((...args: unknown[]) => {
      const local = args.at(-2) as Record<string, string>;
      ran.fn = () => doctor({ ...program.opts<GlobalOptions>(), ...local }, out);
    });
  program
    .command('list <queue>')
    .description('jobs, newest first')
    .option('--state <state>', 'queued, running, completed, failed or cancelled')
    .option('--limit <n>', 'how many (1-1000, default 20)')
    .action(defer(list as Action));
  program.command('show <queue> <id>').description('one job: position and ETA, progress, payload, result, error').action(defer(show));
  for (const verb of ['cancel', 'retry', 'promote'] as const) {
    program
      .command(`${verb} <queue> <id>`)
      .description(`${verb} a job`)
      .action(defer((ctx, q, id) => jobAction(ctx, verb, q!, id!)));
  }
  program.command('priority <queue> <id> <priority>').description('change a queued job’s priority (1-1000)').action(defer(priority));
  for (const verb of ['pause', 'resume', 'drain'] as const) {
    program
      .command(`${verb} <queue>`)
      .description(`${verb} a queue`)
      .action(defer((ctx, q) => queueAction(ctx, verb, q!)));
  }
  program.command('clear <queue>').description('remove every queued job').action(defer(clear));
  program
    .command('clean <queue>')
    .description('remove finished (or queued) jobs older than a duration')
    .requiredOption('--state <state>', 'completed, failed, cancelled or queued')
    .option('--older-than <duration>', 'e.g. 48h, 30m, 7d')
    .action(defer(clean as Action));
  program
    .command('rate-limit <queue>')
    .description('at most --max job starts in any --per window, for every worker; --off removes it')
    .option('--max <n>', 'starts per window (integer)')
    .option('--per <duration>', 'the window, e.g. 1m, 10s, 1h')
    .option('--off', 'remove the limit')
    .action(defer(rateLimit as Action));
  program
    .command('group-limits <queue>')
    .description('per-group limits for every worker: most running jobs, most waiting jobs and most starts per window of any one group')
    .option('--concurrency <n>', 'most running jobs of one group, or off')
    .option('--max-waiting <n>', 'most waiting jobs of one group (adds beyond it fail with GROUP_FULL), or off')
    .option('--rate <max/duration>', 'most starts of one group in any window, e.g. 5/1m, or off')
    .action(defer(groupLimits as Action));
  program
    .command('group-set <queue> <group>')
    .description('a group’s weight for every worker: the jobs it takes per round of its level, where others take one')
    .option('--weight <n>', 'jobs per round (1-100)')
    .option('--reset', 'remove the group’s settings (weight 1)')
    .action(defer(groupSet as Action));
  program
    .command('groups <queue>')
    .description('the per-group limits, and the groups with their ready, scheduled and running jobs and weights, by name')
    .option('--limit <n>', 'groups per page (1-1000, default 50)')
    .option('--after <group>', 'start after this group (the page before printed it)')
    .action(defer(groups as Action));
  addTransferCommands(program, out, (fn) => {
    ran.fn = fn;
  });
  return program;
}

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function run(argv: readonly string[], out: Out = processOut): Promise<number> {
  const ran: { fn?: () => Promise<void> } = {};
  try {
    await build(out, ran).parseAsync([...argv], { from: 'user' });
    if (!ran.fn) return 0;
    await ran.fn();
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    out.error(`${errorLine(error)}\n`);
    return error instanceof ValidationError ? 2 : 1;
  }
}
