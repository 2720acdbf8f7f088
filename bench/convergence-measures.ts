/**
 * The convergence study's figures, read from one simulated drain (fleet-sim.ts): drain against the ideal, the
 * throttled share, when the admitted rate settled at the quota and how evenly the containers shared it. Pure, so
 * that they are tested without timing.
 */
import { SETTLED_WITHIN } from './fleet-drain.js';
import { countPerSecond, settledAfterSeconds, steadySeconds } from './fleet-measures.js';
import type { FleetRun, FleetScenario } from './fleet-sim.js';

export interface ConvergenceFigures {
  /** Drain against records / R; infinite when the drain did not finish. */
  readonly drainRatio: number;
  /** Throttled attempts / all attempts. */
  readonly throttledShare: number;
  /** First second from which every steady second is within SETTLED_WITHIN of R; undefined: never. */
  readonly settledAfterS: number | undefined;
  /** Most / fewest admitted calls of one container over the second half of the steady seconds. */
  readonly fairness: number;
  /** Calls admitted in each whole second. */
  readonly perSecond: readonly number[];
}

const BATCH_SIZE = 10;

/**
 * Most over fewest calls admitted per container from second `fromS` to `toS` (excluded), from each container's
 * admission times (ms): 1 when they shared evenly, infinite when one got none.
 */
export function fairness(admittedAt: readonly (readonly number[])[], fromS: number, toS: number): number {
  const counts = admittedAt.map(
    (times) => times.filter((ms) => ms >= fromS * 1000 && ms < toS * 1000).length,
  );
  const least = Math.min(...counts);
  const most = Math.max(...counts);
  if (most === 0) return Number.NaN;
  return least === 0 ? Number.POSITIVE_INFINITY : most / least;
}

export function convergenceFigures(scenario: FleetScenario, run: FleetRun): ConvergenceFigures {
  const idealMs = (scenario.records / scenario.quotaPerSecond) * 1000;
  const perSecond = countPerSecond(run.admittedAt.flat());
  // Once fewer than a full batch per container is left, the rate falls because the queue runs dry.
  const steady = steadySeconds(perSecond, scenario.records, BATCH_SIZE * scenario.containers);
  const fromS = steady >= 2 ? Math.floor(steady / 2) : 0;
  const toS = steady >= 2 ? steady : perSecond.length + 1;
  return {
    drainRatio: run.finished ? run.drainMs / idealMs : Number.POSITIVE_INFINITY,
    throttledShare: run.attempts === 0 ? 0 : run.throttled / run.attempts,
    settledAfterS: settledAfterSeconds(perSecond.slice(0, steady), scenario.quotaPerSecond, SETTLED_WITHIN),
    fairness: fairness(run.admittedAt, fromS, toS),
    perSecond,
  };
}
