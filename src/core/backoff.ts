/**
 * How long a record handed back to SQS stays invisible before its next attempt.
 *
 * Exponential in the record's receive count, capped, with "equal jitter" (half fixed, half random): the fixed
 * half guarantees a real pause, the random half spreads a burst of failures so they do not return together.
 * SQS refuses to keep a message invisible for more than 12 hours after it was received; the cap leaves room
 * for the time the message already spent in the batching window and the invocation.
 */
import type { BackoffSchedule, RetryCause } from './outcome.js';

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

/** The two schedules a retry follows (core/outcome.ts BackoffSchedule). */
export interface BackoffSchedules {
  readonly short: BackoffSettings;
  readonly long: BackoffSettings;
}

/**
 * A retried record's visibility. A record cut off by the deadline once did nothing wrong: it may run again as soon
 * as a poller picks it up. Cut off again and again (a DataZone that never answers), it backs off like any retry,
 * one step behind, so that it cannot spend every receive in minutes.
 */
export function retryVisibilitySeconds(
  retry: { readonly cause: RetryCause; readonly schedule: BackoffSchedule },
  receiveCount: number | undefined,
  schedules: BackoffSchedules,
  random: number,
): number {
  const received = receiveCount ?? 1;
  if (retry.cause === 'deadline' && received <= 1) return 0;
  return visibilityTimeoutSeconds({
    receiveCount: retry.cause === 'deadline' ? received - 1 : received,
    settings: schedules[retry.schedule],
    random,
  });
}
