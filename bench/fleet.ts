/**
 * 8. A fleet sharing one quota: 4 containers drain events that carry their revision (one
 * StartMetadataGenerationRun each) against a local DataZone that admits R requests per second of each operation,
 * shared by all of them. Configured 10 × R each (far too high: the fleet must find the quota) and R / 4 each
 * (exactly its share): drain time against events / R, throttled calls, how the admitted rate settles, and the
 * function time billed per event. The over-configured fleet also runs with the convergence study's variants of the
 * worker (fleet-variants.ts: the SDK's adaptive mode, the old halving law, AIMD), in fewer repetitions.
 */
import { startEndpoints } from './endpoints.js';
import { assetRevisions, benchCatalog, eventBody } from './fixtures.js';
import { drainFleet, type FleetRepetition, type FleetWorkload } from './fleet-drain.js';
import { type FleetPair, fleetReport } from './fleet-report.js';
import { STUDY_VARIANTS, type StudyVariant } from './fleet-variants.js';
import type { BenchContext, BenchmarkResult } from './types.js';

const FLEET = {
  rps: 100,
  containers: 4,
  /** Each container's rate in the over-configured fleet, as a multiple of the whole quota. */
  overFactor: 10,
  /**
   * Repetitions of the study's variants at most: they are diagnostic, and each takes as long as a drain or longer
   * (one each keeps the section near 6 minutes at 5 repetitions).
   */
  variantRepetitions: 1,
} as const;

export async function fleet(ctx: BenchContext): Promise<BenchmarkResult> {
  const events = ctx.quick ? 500 : 2000;
  const repetitionCount = ctx.quick ? 1 : ctx.repetitions;
  const revisions = assetRevisions(events);
  const endpoints = await startEndpoints(benchCatalog(events), {
    rateLimit: { requestsPerSecond: FLEET.rps, burst: FLEET.rps / 10, perOperation: true },
  });
  const workload: FleetWorkload = {
    endpoints,
    bodies: revisions.map((revision, index) => eventBody(revision, index)),
    rps: FLEET.rps,
    paced: 'StartMetadataGenerationRun',
  };
  const over = { concurrency: FLEET.containers, containerRps: FLEET.rps * FLEET.overFactor };
  const exact = { concurrency: FLEET.containers, containerRps: FLEET.rps / FLEET.containers };
  const pairs: FleetPair[] = [];
  const variants = new Map<StudyVariant, FleetRepetition[]>(STUDY_VARIANTS.map((variant) => [variant, []]));
  const variantRepetitions = Math.min(repetitionCount, FLEET.variantRepetitions);
  try {
    for (let repetition = 0; repetition < repetitionCount; repetition++) {
      const of = `${repetition + 1}/${repetitionCount}`;
      const drainOver = () => drainFleet(workload, { ...over, label: `fleet over-configured ${of}` }, ctx);
      const drainExact = () =>
        drainFleet(workload, { ...exact, label: `fleet exactly configured ${of}` }, ctx);
      // The order alternates, so that neither side always runs on a warmer machine.
      if (repetition % 2 === 0) {
        const o = await drainOver();
        pairs.push({ over: o, exact: await drainExact() });
      } else {
        const e = await drainExact();
        pairs.push({ over: await drainOver(), exact: e });
      }
      if (repetition >= variantRepetitions) continue;
      // Rotated, so that no variant always runs first after the worker's drains.
      for (let index = 0; index < STUDY_VARIANTS.length; index++) {
        const variant = STUDY_VARIANTS[(index + repetition) % STUDY_VARIANTS.length] as StudyVariant;
        const label = `fleet over-configured, ${variant} ${repetition + 1}/${variantRepetitions}`;
        variants.get(variant)?.push(await drainFleet(workload, { ...over, label, variant }, ctx));
      }
    }
  } finally {
    await endpoints.close();
  }
  return fleetReport(pairs, variants, {
    events,
    rps: FLEET.rps,
    containers: FLEET.containers,
    overRps: over.containerRps,
    exactRps: exact.containerRps,
  });
}
