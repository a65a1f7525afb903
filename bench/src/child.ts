/**
 * One measurement in a fresh process: one system, one scenario, one run. A short warm-up on a
 * throwaway database comes first so every system is measured with its code paths already JIT-ed.
 * The result goes back to run.ts over the IPC channel.
 */
import { type Metrics, SCENARIOS, type ScenarioParams, tempDbDir } from './scenarios.js';
import { loadSystem, type SystemId } from './systems/index.js';
import type { SystemOptions } from './systems/types.js';

export interface ChildJob {
  system: SystemId;
  scenario: string;
  params: ScenarioParams;
  options: SystemOptions;
  warmup: boolean;
}

export type ChildResult =
  | { ok: true; metrics: Metrics; notes: string[]; bulk: string }
  | { ok: false; error: string };

function warmupParams(p: ScenarioParams): ScenarioParams {
  return {
    ...p,
    n: Math.max(100, Math.round(p.n / 20)),
    latencyIters: Math.max(20, Math.round(p.latencyIters / 20)),
    positionSamples: 20,
  };
}

async function main(): Promise<ChildResult> {
  const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob;
  const scenario = SCENARIOS.find((s) => s.id === job.scenario);
  if (!scenario) return { ok: false, error: `unknown scenario ${job.scenario}` };
  const dbs = tempDbDir();
  try {
    if (job.warmup) {
      const warm = await loadSystem(job.system, job.options);
      await scenario.run(warm, warmupParams(job.params), dbs.next);
    }
    const system = await loadSystem(job.system, job.options);
    const metrics = await scenario.run(system, job.params, dbs.next);
    return { ok: true, metrics, notes: system.notes, bulk: system.bulk };
  } finally {
    dbs.remove();
  }
}

main()
  .catch((e: unknown): ChildResult => ({
    ok: false,
    error: e instanceof Error ? (e.stack ?? e.message) : String(e),
  }))
  .then((result) => {
    // Exit explicitly: some systems leave timers behind (liteque's per-job timeout race).
    process.send?.(result, () => process.exit(0));
    if (!process.send) {
      console.log(JSON.stringify(result));
      process.exit(0);
    }
  });
