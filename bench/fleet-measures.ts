/**
 * What the fleet benchmarks read from the endpoint's record of requests and from the invocations: throttles early
 * and late, the admitted rate second by second and when it settled at the quota, the function time Lambda bills.
 * Pure, so that the figures are tested without timing.
 */
import type { DataZoneOperation, RecordedRequest } from '../tools/local/datazone/types.js';

export interface Throttles {
  readonly calls: number;
  readonly throttled: number;
  /** Calls and throttles that arrived in the first `splitMs` of the drain, and after. */
  readonly early: { readonly calls: number; readonly throttled: number };
  readonly late: { readonly calls: number; readonly throttled: number };
}

const isThrottled = (request: RecordedRequest) => request.status === 429;

/** Throttled calls of the whole drain, and split at `splitMs` after `startAt` (arrival time). */
export function throttles(requests: readonly RecordedRequest[], startAt: number, splitMs: number): Throttles {
  const early = requests.filter((request) => request.receivedAt < startAt + splitMs);
  const late = requests.filter((request) => request.receivedAt >= startAt + splitMs);
  const count = (some: readonly RecordedRequest[]) => ({
    calls: some.length,
    throttled: some.filter(isThrottled).length,
  });
  return { ...count(requests), early: count(early), late: count(late) };
}

/**
 * Calls of `operation` the endpoint admitted (anything but a 429) in each whole second from `startAt` to the
 * last admitted one: the partial last second is left out, as the queue runs dry in it.
 */
export function admittedPerSecond(
  requests: readonly RecordedRequest[],
  operation: DataZoneOperation,
  startAt: number,
): number[] {
  const admitted = requests
    .filter((request) => request.operation === operation && !isThrottled(request))
    .map((request) => request.receivedAt - startAt);
  return countPerSecond(admitted);
}

/** How many of `times` (ms from the start) fall in each whole second up to the last one, partial last second left out. */
export function countPerSecond(times: readonly number[]): number[] {
  if (times.length === 0) return [];
  const seconds = Math.floor(Math.max(...times) / 1000);
  const bins = Array.from({ length: seconds }, () => 0);
  for (const ms of times) {
    const bin = Math.floor(ms / 1000);
    if (bin >= 0 && bin < seconds) bins[bin] = (bins[bin] ?? 0) + 1;
  }
  return bins;
}

/**
 * How many leading seconds of `perSecond` are steady: at the end of each, at least `tail` of the `total` calls
 * were still to come, so every container still had work (a queue running dry lowers the rate, not the fleet).
 */
export function steadySeconds(perSecond: readonly number[], total: number, tail: number): number {
  let left = total;
  let steady = 0;
  for (const count of perSecond) {
    left -= count;
    if (left < tail) break;
    steady += 1;
  }
  return steady;
}

/**
 * Seconds from the start until the admitted rate is within `tolerance` of `rate` in every whole second that
 * follows; undefined when it never is (or there are no whole seconds).
 */
export function settledAfterSeconds(
  perSecond: readonly number[],
  rate: number,
  tolerance: number,
): number | undefined {
  const within = (count: number) => Math.abs(count - rate) <= rate * tolerance;
  let settled: number | undefined;
  for (let second = perSecond.length - 1; second >= 0; second--) {
    if (!within(perSecond[second] ?? Number.NaN)) break;
    settled = second;
  }
  return settled;
}

/** What Lambda bills for these invocations: each one's duration rounded up to the next millisecond. */
export function billedMs(durationsMs: readonly number[]): number {
  return durationsMs.reduce((sum, ms) => sum + Math.max(1, Math.ceil(ms)), 0);
}
