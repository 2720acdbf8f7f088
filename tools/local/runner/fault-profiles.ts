// Named fault profiles for local runs: what the local DataZone (or the bus before the source queue) does wrong,
// and the worker settings that go with it.
import type { DataZoneFaults, RunLifecycle } from '../datazone/types.js';
import type { BusFaults } from './lossy-bus.js';

export interface FaultProfile {
  readonly name: string;
  readonly description: string;
  readonly dataZone: DataZoneFaults;
  readonly lifecycle?: RunLifecycle;
  /** What the bus loses of the run's own events before the source queue. */
  readonly bus?: BusFaults;
  /** Worker environment this profile needs (e.g. a client-side rate above the endpoint's). */
  readonly workerEnv: Readonly<Record<string, string>>;
}

/**
 * Worker settings for local runs: backoffs of seconds instead of minutes (a failed run's next attempt too), a
 * brisk client-side rate.
 */
export const LOCAL_WORKER_DEFAULTS: Readonly<Record<string, string>> = {
  RETRY_BACKOFF_BASE_SECONDS: '1',
  RETRY_BACKOFF_MAX_SECONDS: '4',
  QUOTA_BACKOFF_BASE_SECONDS: '2',
  QUOTA_BACKOFF_MAX_SECONDS: '8',
  RUN_RETRY_BASE_SECONDS: '2',
  DATAZONE_REQUESTS_PER_SECOND: '20',
  DATAZONE_BURST: '10',
};

const throttle: DataZoneFaults = { rateLimit: { requestsPerSecond: 4, burst: 4 } };
const quota: DataZoneFaults = { maxRunsInProgress: 2 };
const quotaLifecycle: RunLifecycle = { inProgressAfterMs: 100, completeAfterMs: 1000 };
const flaky: DataZoneFaults = { internalErrorRate: 0.15, dropRate: 0.05, latencyMs: { min: 5, max: 40 } };
// Runs whose asset has no script in the catalog end by a seeded draw; EventBridge delivers some events twice.
const mixedEnds: RunLifecycle = {
  ...quotaLifecycle,
  outcomeWeights: { SUCCEEDED: 6, FAILED: 2, PARTIALLY_SUCCEEDED: 1, CANCELED: 1 },
};
const duplicates: DataZoneFaults = { outcomeEventDuplicateRate: 0.2 };
// The worker sends faster than the endpoint admits: its own limiter does not save it.
const fastWorker = { DATAZONE_REQUESTS_PER_SECOND: '50', DATAZONE_BURST: '25' };

export const FAULT_PROFILES: Readonly<Record<string, FaultProfile>> = {
  none: { name: 'none', description: 'no faults', dataZone: {}, workerEnv: {} },
  'throttle-storm': {
    name: 'throttle-storm',
    description: 'DataZone admits 4 requests/s (burst 4), the worker sends up to 50/s (burst 25)',
    dataZone: throttle,
    workerEnv: fastWorker,
  },
  'quota-cap': {
    name: 'quota-cap',
    description: '2 runs in progress at most (ServiceQuotaExceededException), each done after 1 s',
    dataZone: quota,
    lifecycle: quotaLifecycle,
    workerEnv: {},
  },
  flaky: {
    name: 'flaky',
    description: '15% of requests answer 500, 5% lose their connection, 5-40 ms latency',
    dataZone: flaky,
    workerEnv: {},
  },
  chaos: {
    name: 'chaos',
    description:
      'throttle-storm + quota-cap + flaky at once; runs end by a seeded draw (60% succeed, 20% fail, ' +
      '10% partly, 10% canceled) unless the catalog says; 20% of outcome events delivered twice',
    dataZone: { ...throttle, ...quota, ...flaky, ...duplicates },
    lifecycle: mixedEnds,
    workerEnv: fastWorker,
  },
  'lost-outcomes': {
    name: 'lost-outcomes',
    description: 'EventBridge loses half the outcome events: the runner reports those runs and exits 1',
    dataZone: { outcomeEventLossRate: 0.5 },
    workerEnv: {},
  },
  'lossy-bus': {
    name: 'lossy-bus',
    description:
      'EventBridge loses 30% of the asset events (every delivery of each, chosen by the seed) before the ' +
      'source queue: the revisions left without a run are reported (exit 1) unless --reconcile sweeps them up',
    dataZone: {},
    bus: { eventLossRate: 0.3 },
    workerEnv: {},
  },
};

export function faultProfile(name: string): FaultProfile {
  const profile = FAULT_PROFILES[name];
  if (profile === undefined) {
    throw new Error(
      `unknown fault profile "${name}": expected one of ${Object.keys(FAULT_PROFILES).join(', ')}`,
    );
  }
  return profile;
}
