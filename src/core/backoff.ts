/**
 * How long a record handed back to SQS stays invisible before its next attempt.
 *
 * Exponential in the record's receive count, capped, with "equal jitter" (half fixed, half random): the fixed
 * half guarantees a real pause, the random half spreads a burst of failures so they do not return together.
 * SQS also refuses to keep a message invisible past 12 hours after it was first received, so the value is
 * clamped to what is left of that window.
 */
export interface BackoffSettings {
  readonly baseSeconds: number;
  readonly maxSeconds: number;
}

export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

export interface BackoffInput {
  /** SQS ApproximateReceiveCount of the record (1 on its first delivery). */
  readonly receiveCount: number;
  readonly settings: BackoffSettings;
  /** A number in [0, 1): Math.random in production, fixed in tests. */
  readonly random: number;
  /** Seconds since the message was first received, when known. */
  readonly secondsSinceFirstReceive?: number | undefined;
}

export function visibilityTimeoutSeconds({
  receiveCount,
  settings,
  random,
  secondsSinceFirstReceive,
}: BackoffInput): number {
  const attempt = Number.isFinite(receiveCount) && receiveCount >= 1 ? Math.floor(receiveCount) : 1;
  // 2^30 already exceeds every cap; the bound keeps the arithmetic finite.
  const exponential = settings.baseSeconds * 2 ** Math.min(attempt - 1, 30);
  const ceiling = Math.min(settings.maxSeconds, exponential);
  const jittered = Math.ceil(ceiling / 2 + (ceiling / 2) * clampUnit(random));
  const windowLeft =
    secondsSinceFirstReceive === undefined
      ? MAX_VISIBILITY_TIMEOUT_SECONDS
      : Math.floor(MAX_VISIBILITY_TIMEOUT_SECONDS - secondsSinceFirstReceive) - 1;
  return Math.max(0, Math.min(jittered, MAX_VISIBILITY_TIMEOUT_SECONDS, windowLeft));
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(value, 1);
}
