/**
 * One drain of the per-operation and fleet benchmarks: the events put in the local source queue, drained by a
 * child (child-fleet.ts) with one or more containers against the local DataZone in this process, then what the
 * endpoint saw and what the invocations billed.
 */
import type { DataZoneOperation } from '../tools/local/datazone/types.js';
import type { FleetChildResult, FleetChildSettings } from './child-fleet.js';
import { runChild } from './children.js';
import type { Endpoints } from './endpoints.js';
import { DEAD_LETTER_QUEUE, REGION, SOURCE_QUEUE } from './fixtures.js';
import {
  admittedPerSecond,
  billedMs,
  settledAfterSeconds,
  steadySeconds,
  type Throttles,
  throttles,
} from './fleet-measures.js';
import type { FleetVariant } from './fleet-variants.js';
import { fixed } from './stats.js';
import type { BenchContext } from './types.js';

/** Throttles in the first seconds of a drain, where a fleet configured too high first meets the quota. */
export const EARLY_MS = 2000;
/** The admitted rate has settled once every later whole second is within this fraction of the quota. */
export const SETTLED_WITHIN = 0.1;

export interface FleetWorkload {
  readonly endpoints: Endpoints;
  /** SQS message bodies, one per event. */
  readonly bodies: readonly string[];
  /** The endpoint's quota, requests per second, of each operation. */
  readonly rps: number;
  /** The operation whose admitted rate tells whether the fleet settled at the quota. */
  readonly paced: DataZoneOperation;
}

export interface FleetSetup {
  readonly label: string;
  readonly concurrency: number;
  /** Each container's DATAZONE_REQUESTS_PER_SECOND. */
  readonly containerRps: number;
  readonly variant?: FleetVariant;
}

export interface FleetRepetition {
  readonly drainMs: number;
  /** Drain against the ideal events / R. */
  readonly wallRatio: number;
  /** Events that did not become a run (dead-lettered, or still queued when the drain stopped). */
  readonly lost: number;
  readonly stoppedBy?: string;
  readonly throttles: Throttles;
  readonly callsPerEvent: number;
  /** Admitted calls of the paced operation in each whole second of the drain. */
  readonly admitted: readonly number[];
  readonly settledAfterS: number | undefined;
  readonly billedMsPerEvent: number;
  readonly invocations: number;
  readonly handedBack: number;
}

/** What each drain's child gets: the deployed mapping and function settings, as in the quota benchmark. */
function childSettings(workload: FleetWorkload, setup: FleetSetup): FleetChildSettings {
  const { sqs } = workload.endpoints;
  const idealMs = (workload.bodies.length / workload.rps) * 1000;
  return {
    sqsUrl: sqs.url,
    queueUrl: sqs.queueUrl(SOURCE_QUEUE),
    queueArn: sqs.queueArn(SOURCE_QUEUE),
    region: REGION,
    batchSize: 10,
    batchingWindowMs: 5000,
    // Short only so that the pollers notice the drained queue soon; the drain ends at the last delete anyway.
    waitTimeSeconds: 1,
    functionTimeoutMs: 60_000,
    workerEnv: { DATAZONE_REQUESTS_PER_SECOND: String(setup.containerRps), RECORD_CONCURRENCY: '10' },
    maxWallMs: Math.max(120_000, idealMs * 8),
    concurrency: setup.concurrency,
    ...(setup.variant === undefined ? {} : { variant: setup.variant }),
  };
}

export async function drainFleet(
  workload: FleetWorkload,
  setup: FleetSetup,
  ctx: BenchContext,
): Promise<FleetRepetition> {
  const { datazone, sqs, env } = workload.endpoints;
  const events = workload.bodies.length;
  datazone.reset();
  sqs.purge(SOURCE_QUEUE);
  sqs.purge(DEAD_LETTER_QUEUE);
  for (const body of workload.bodies) sqs.send(SOURCE_QUEUE, body);
  const settings = childSettings(workload, setup);
  const { result } = await runChild<FleetChildResult>('bench/child-fleet.ts', [JSON.stringify(settings)], {
    tsx: true,
    env,
    timeoutMs: settings.maxWallMs + 60_000,
  });
  const distinct = new Set(datazone.runs.map((run) => `${run.target.identifier}@${run.target.revision}`));
  if (datazone.runs.length !== distinct.size || distinct.size > events) {
    throw new Error(`${setup.label}: ${datazone.runs.length} runs for ${distinct.size} revisions`);
  }
  const requests = datazone.requests;
  // Once fewer than a full batch per container is left, the rate falls because the queue runs dry.
  const tail = settings.batchSize * setup.concurrency;
  const admitted = admittedPerSecond(requests, workload.paced, result.startedAt);
  const repetition: FleetRepetition = {
    drainMs: result.drainMs,
    wallRatio: result.drainMs / ((events / workload.rps) * 1000),
    lost: events - distinct.size,
    ...(result.stoppedBy === undefined ? {} : { stoppedBy: result.stoppedBy }),
    throttles: throttles(requests, result.startedAt, EARLY_MS),
    callsPerEvent: requests.length / events,
    admitted,
    settledAfterS: settledAfterSeconds(
      admitted.slice(0, steadySeconds(admitted, events, tail)),
      workload.rps,
      SETTLED_WITHIN,
    ),
    billedMsPerEvent: billedMs(result.handlerMs) / events,
    invocations: result.invocations,
    handedBack: result.handedBack,
  };
  const { calls, throttled } = repetition.throttles;
  ctx.log(
    `  ${setup.label}: ${fixed(result.drainMs / 1000)} s (${fixed(repetition.wallRatio)}x ideal), ${calls} ` +
      `calls, ${throttled} throttled, billed ${fixed(repetition.billedMsPerEvent, 1)} ms/event` +
      (repetition.lost > 0
        ? `, ${repetition.lost} events without a run (${result.stoppedBy ?? 'drained'})`
        : ''),
  );
  return repetition;
}
