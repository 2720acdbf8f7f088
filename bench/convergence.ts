/**
 * 9. Convergence study (a model, in virtual time): how each rate law settles a fleet sharing one quota, in
 * fleet-sim.ts's model of the fleet benchmark. The worker's law (src/datazone/adaptive-rate.ts) against the rule
 * it replaced, two AIMD variants and the SDK's adaptive mode, over the same scenarios and the same jitter (seeds).
 * Diagnostic: no targets; it runs in a few seconds.
 */
import { type ConvergenceFigures, convergenceFigures } from './convergence-measures.js';
import { convergenceReport } from './convergence-report.js';
import { type ContainerLaw, type FleetScenario, simulateFleet } from './fleet-sim.js';
import { RATE_VARIANTS, type RateVariant, rateVariant } from './rate-variants.js';
import type { BenchContext, BenchmarkResult } from './types.js';

export const MODEL = { rps: 100, latencyMs: 20, records: 2000 } as const;

export interface ModelScenario {
  readonly name: string;
  readonly containers: number;
  readonly configuredPerSecond: number;
}

const R = MODEL.rps;
const SCENARIOS: readonly ModelScenario[] = [
  { name: '4 containers × 10 R', containers: 4, configuredPerSecond: 10 * R },
  { name: '4 containers × R/2', containers: 4, configuredPerSecond: R / 2 },
  { name: '4 containers × R/4 (exact)', containers: 4, configuredPerSecond: R / 4 },
  { name: '1 container × 10 R', containers: 1, configuredPerSecond: 10 * R },
];

/**
 * The backoff base before retrying a throttle: the worker's client (ConfiguredRetryStrategy, 100 ms × 2^(n-1)) for
 * every law but the SDK's adaptive mode, which keeps its own (1 s × 2^(n-1) in @smithy/core's retry strategy).
 */
const THROTTLE_RETRY_BASE_MS: Readonly<Record<RateVariant, number>> = {
  worker: 100,
  before: 100,
  'aimd-half': 100,
  'aimd-gentle': 100,
  'sdk-cubic': 1000,
};

function lawOf(variant: RateVariant): ContainerLaw {
  return {
    adaptation: (rate) => rateVariant(variant, rate),
    throttleRetryBaseMs: THROTTLE_RETRY_BASE_MS[variant],
  };
}

/** One scenario and law over every seed. */
export interface ConvergenceCell {
  readonly scenario: ModelScenario;
  readonly variant: RateVariant;
  readonly seeds: readonly ConvergenceFigures[];
  /** Admitted calls per second, first seed. */
  readonly firstSeedPerSecond: readonly number[];
}

export function convergence(ctx: BenchContext): Promise<BenchmarkResult> {
  const seeds = ctx.quick ? 3 : 7;
  const cells: ConvergenceCell[] = [];
  for (const scenario of SCENARIOS) {
    for (const variant of RATE_VARIANTS) {
      const figures: ConvergenceFigures[] = [];
      let firstSeedPerSecond: readonly number[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const fleet: FleetScenario = {
          containers: scenario.containers,
          configuredPerSecond: scenario.configuredPerSecond,
          quotaPerSecond: MODEL.rps,
          records: MODEL.records,
          latencyMs: MODEL.latencyMs,
          seed,
        };
        const run = simulateFleet(fleet, lawOf(variant));
        const result = convergenceFigures(fleet, run);
        if (seed === 1) firstSeedPerSecond = result.perSecond;
        figures.push(result);
      }
      cells.push({ scenario, variant, seeds: figures, firstSeedPerSecond });
    }
  }
  ctx.log(`  convergence: ${cells.length} scenario × law cells, ${seeds} seeds each`);
  return Promise.resolve(convergenceReport(cells, seeds));
}
