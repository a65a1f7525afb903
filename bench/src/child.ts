/**
 * One measurement in a fresh process: one system, one scenario, one run. A short warm-up on a
 * throwaway place comes first so every system is measured with its code paths already JIT-ed.
 * Places come from the family's factory under a tag the runner chose (so the runner can find,
 * watch and sweep them); the child removes them before it reports. The result goes back to
 * run.ts over the IPC channel.
 */
import { type Family, placeFactory, type Servers } from './places.js';
import { type Metrics, SCENARIOS, type ScenarioParams } from './scenarios.js';
import { loadSystem, type SystemId } from './systems/index.js';
import type { SystemOptions } from './systems/types.js';

export interface ChildJob {
  system: SystemId;
  family: Family;
  scenario: string;
  params: ScenarioParams;
  options: SystemOptions;
  warmup: boolean;
  servers: Servers;
  /** Names this child's places: schemas `wlb_<tag>_m0`, key prefixes `wlb_<tag>-m0`, … */
  tag: string;
}

export type ChildResult = { ok: true; metrics: Metrics; notes: string[]; bulk: string } | { ok: false; error: string };

function warmupParams(p: ScenarioParams): ScenarioParams {
  return {
    ...p,
    n: Math.max(100, Math.round(p.n / 20)),
    latencyIters: Math.max(20, Math.round(p.latencyIters / 20)),
    positionSamples: 20,
    budgetMs: Math.max(1000, Math.round(p.budgetMs / 10)),
    hugeLevel: false,
    sseSubscribers: Math.max(20, Math.round(p.sseSubscribers / 20)),
  };
}

async function main(): Promise<ChildResult> {
  const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob;
  const scenario = SCENARIOS.find((s) => s.id === job.scenario);
  if (!scenario) return { ok: false, error: `unknown scenario ${job.scenario}` };
  const places = placeFactory(job.family, job.servers, job.tag);
  try {
    if (job.warmup) {
      const warm = await loadSystem(job.system, job.options);
      // The memory scenario's warm-up would only fill Redis; POS warms up on a small queue.
      if (scenario.id !== 'MEM') await scenario.run(warm, warmupParams(job.params), () => places.next('warm'));
    }
    const system = await loadSystem(job.system, job.options);
    const metrics = await scenario.run(system, job.params, () => places.next('measure'));
    return { ok: true, metrics, notes: system.notes, bulk: system.bulk };
  } finally {
    await places.remove();
  }
}

main()
  .catch(
    (e: unknown): ChildResult => ({
      ok: false,
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    }),
  )
  .then((result) => {
    // Exit explicitly: some systems leave timers or connections behind (liteque's per-job
    // timeout race; pools of peers that were stopped at the time budget).
    process.send?.(result, () => process.exit(0));
    if (!process.send) {
      console.log(JSON.stringify(result));
      process.exit(0);
    }
  });
