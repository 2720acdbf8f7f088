// Fault injection for the local DataZone: token buckets, seeded 500s, drops and latency, errors forced per asset
// or by a hook, outcome events lost or published twice. Every random decision comes from the seed, so a run with the same seed fails the same way.
import { seededRandom } from '../http-util.js';
import { ApiError } from './protocol.js';
import type { DataZoneState } from './state.js';
import type { DataZoneOperation, ErrorSpec } from './types.js';

export interface FaultInjector {
  /** Whether a random drop applies to this request (draws from the seed only when drops are on). */
  drops(operation: DataZoneOperation): boolean;
  /** Takes a token from the operation's bucket; false when the request is throttled. */
  takeToken(operation: DataZoneOperation): boolean;
  latencyFor(operation: DataZoneOperation): number;
  /** Applies a forced error spec, honouring `times`; returns the error to throw, if any. */
  forced(key: string, spec: ErrorSpec | undefined): ApiError | undefined;
  /** Whether this request gets a seeded 500 (draws from the seed only when the rate is above 0). */
  internalError(operation: DataZoneOperation): boolean;
  /** Whether an outcome event is lost (draws from the seed only when the rate is above 0). */
  losesOutcome(): boolean;
  /** Whether an outcome event is published twice (draws from the seed only when the rate is above 0). */
  duplicatesOutcome(): boolean;
  /** Refills the buckets and forgets how often forced errors were applied. */
  reset(): void;
}

/** A bucket starts full when its first request comes (after a reset, the buckets are forgotten). */
interface Bucket {
  tokens: number;
  at: number;
}

export function createFaultInjector(state: DataZoneState, seed: number): FaultInjector {
  const { now } = state;
  // Separate streams, so that turning latency on does not change which requests fail.
  const rng = {
    error: seededRandom(seed ^ 0x9e3779b9),
    drop: seededRandom(seed ^ 0x85ebca6b),
    latency: seededRandom(seed ^ 0xc2b2ae35),
    duplicate: seededRandom(seed ^ 0x7feb352d),
    loss: seededRandom(seed ^ 0x846ca68b),
  };
  let buckets = new Map<DataZoneOperation | 'shared', Bucket>();
  let forcedLeft = new Map<string, number>();
  const randomFaultsApply = (operation: DataZoneOperation): boolean =>
    !state.faults.operations || state.faults.operations.includes(operation);

  return {
    drops(operation) {
      const rate = state.faults.dropRate ?? 0;
      return randomFaultsApply(operation) && rate > 0 && rng.drop() < rate;
    },
    takeToken(operation) {
      const limit = state.faults.rateLimit;
      if (!limit || (limit.operations && !limit.operations.includes(operation))) return true;
      const key = limit.perOperation ? operation : 'shared';
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at: t };
      buckets.set(key, bucket);
      bucket.tokens = Math.min(
        limit.burst,
        bucket.tokens + ((t - bucket.at) / 1000) * limit.requestsPerSecond,
      );
      bucket.at = t;
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    latencyFor(operation) {
      const l = state.faults.latencyMs;
      if (l === undefined || !randomFaultsApply(operation)) return 0;
      if (typeof l === 'number') return l;
      return Math.round(l.min + rng.latency() * (l.max - l.min));
    },
    forced(key, spec) {
      if (spec === undefined) return undefined;
      const s = typeof spec === 'string' ? { name: spec } : spec;
      if (s.times !== undefined) {
        const left = forcedLeft.get(key) ?? s.times;
        if (left <= 0) return undefined;
        forcedLeft.set(key, left - 1);
      }
      return new ApiError(s.name, s.message ?? `Forced ${s.name} (local fault injection).`);
    },
    internalError(operation) {
      const rate = state.faults.internalErrorRate ?? 0;
      return randomFaultsApply(operation) && rate > 0 && rng.error() < rate;
    },
    losesOutcome() {
      const rate = state.faults.outcomeEventLossRate ?? 0;
      return rate > 0 && rng.loss() < rate;
    },
    duplicatesOutcome() {
      const rate = state.faults.outcomeEventDuplicateRate ?? 0;
      return rate > 0 && rng.duplicate() < rate;
    },
    reset() {
      buckets = new Map();
      forcedLeft = new Map();
    },
  };
}
