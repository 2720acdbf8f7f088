// Virtual time for local runs: the clock of the local DataZone and SQS endpoints.
//
// It runs at real speed (so DataZone's token bucket refills and runs progress while the worker works, as on AWS)
// and jumps forward when nothing can happen until a message becomes visible again or a run ends: the runner then
// moves the clock to that moment instead of sleeping through the worker's visibility backoff. A drain that would
// take minutes of backoff takes milliseconds. The endpoints read this clock, and so does the worker (its `Date.now`
// at import: worker-environment.ts), so that both agree on when a run ended and its retry is due; the clock never
// jumps during an invocation, so the worker's deadline still holds. The Lambda context's remaining time and the
// SDK's retry delays keep real time.

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
