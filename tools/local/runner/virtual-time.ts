// Virtual time for local runs: the clock of the local DataZone and SQS endpoints.
//
// It runs at real speed (so DataZone's token bucket refills and runs progress while the worker works, as on AWS)
// and jumps forward when nothing can happen until a message becomes visible again: the runner then moves the
// clock to that moment instead of sleeping through the worker's visibility backoff. A drain that would take
// minutes of backoff takes milliseconds. Only the endpoints read this clock; the worker and the Lambda context
// keep real time (its deadline, its own rate limiter, the SDK's retry delays).

export interface VirtualTime {
  /** Epoch milliseconds on the virtual clock (`Date.now` shape). */
  now(): number;
  /** Moves the clock forward to `epochMs` (never backwards); returns the milliseconds skipped. */
  advanceTo(epochMs: number): number;
  /** Total milliseconds skipped so far. */
  skippedMs(): number;
}

export function virtualTime(realNow: () => number = Date.now): VirtualTime {
  let offset = 0;
  const now = () => realNow() + offset;
  return {
    now,
    advanceTo(epochMs) {
      const skip = Math.max(0, Math.ceil(epochMs - now()));
      offset += skip;
      return skip;
    },
    skippedMs: () => offset,
  };
}
