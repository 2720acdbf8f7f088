/**
 * How long a record handed back to SQS stays invisible before its next attempt.
 *
 * Exponential in the record's receive count, capped, with "equal jitter" (half fixed, half random): the fixed
 * half guarantees a real pause, the random half spreads a burst of failures so they do not return together.
 * SQS refuses to keep a message invisible for more than 12 hours after it was received; the cap leaves room
 * for the time the message already spent in the batching window and the invocation.
 */
export interface BackoffSettings {
  readonly baseSeconds: number;
  readonly maxSeconds: number;
}

/** 12 hours less 20 minutes: a Lambda timeout (15 min) plus a batching window (5 min) may have passed. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 42_000;

export interface BackoffInput {
  /** SQS ApproximateReceiveCount of the record (1 on its first delivery). */
  readonly receiveCount: number;
  readonly settings: BackoffSettings;
  /** A number in [0, 1): Math.random in production, fixed in tests. */
  readonly random: number;
}

export function visibilityTimeoutSeconds({ receiveCount, settings, random }: BackoffInput): number {
  const attempt = Number.isFinite(receiveCount) && receiveCount >= 1 ? Math.floor(receiveCount) : 1;
  // 2^30 already exceeds every cap; the bound keeps the arithmetic finite.
  const exponential = settings.baseSeconds * 2 ** Math.min(attempt - 1, 30);
  const ceiling = Math.min(settings.maxSeconds, exponential);
  const jittered = Math.ceil(ceiling / 2 + (ceiling / 2) * clampUnit(random));
  return Math.max(0, Math.min(jittered, MAX_VISIBILITY_TIMEOUT_SECONDS));
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(value, 1);
}
