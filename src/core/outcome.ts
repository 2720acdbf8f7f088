/**
 * What can become of one event, and the one place where the worker's errors are mapped to it.
 *
 * A record's outcome is a value, not an exception: the batch runner collects outcomes and the reporters turn them
 * into `batchItemFailures`, visibility changes, dead-letter sends, logs and metrics.
 */

import {
  BatchDeferredError,
  DeadlineExceededError,
  InvalidEventError,
  RequestSlotUnavailableError,
  ServiceError,
} from './errors.js';
import { truncateCodePoints } from './text.js';

/** Which asset revision an event is about, as far as it is known. */
export interface Target {
  readonly domainId: string;
  readonly assetId: string;
  readonly owningProjectId?: string | undefined;
  readonly revision?: string | undefined;
  readonly assetType?: string | undefined;
  readonly clientToken?: string | undefined;
}

/**
 * Why a record is handed back for a later attempt:
 * - throttled / quota / transient: the call failed that way (after the SDK's own retries);
 * - deferred: not attempted, because an earlier call of the batch was throttled or hit the quota, or because the
 *   client-side rate leaves no request slot before the deadline;
 * - deadline: not finished before the invocation's safety margin;
 * - dead-letter-unavailable: permanent, but the dead-letter queue refused it, so the source queue keeps it;
 * - asset-busy: DataZone answered ConflictException, but no run of this revision exists: a run of another
 *   revision of the asset is in progress, and this one must start after it;
 * - run-retry-wait: a run failed, and its next attempt waits out its backoff in the queue.
 */
export type RetryCause =
  | 'throttled'
  | 'quota'
  | 'transient'
  | 'deferred'
  | 'deadline'
  | 'dead-letter-unavailable'
  | 'asset-busy'
  | 'run-retry-wait';

/** Which backoff a retry follows: short for what passes in seconds, long for quotas and other revisions' runs. */
export type BackoffSchedule = 'short' | 'long';

export type RecordOutcome =
  | {
      readonly kind: 'started';
      readonly target: Target;
      readonly runId: string;
      readonly runStatus?: string | undefined;
      /** With more than one generation group: every group's run, started now or earlier. */
      readonly groups?: readonly GroupRun[] | undefined;
    }
  | {
      readonly kind: 'already-exists';
      readonly target: Target;
      readonly error: ErrorSummary;
      readonly runId?: string | undefined;
    }
  | { readonly kind: 'skipped'; readonly reason: string; readonly target?: Target }
  | {
      readonly kind: 'retry';
      readonly cause: RetryCause;
      readonly schedule: BackoffSchedule;
      readonly error: ErrorSummary;
      readonly target?: Target;
      /** A wait known in advance (the next attempt of a failed run), instead of the schedule's backoff. */
      readonly visibleAfterSeconds?: number;
    }
  | {
      readonly kind: 'dead-letter';
      readonly error: ErrorSummary;
      readonly target?: Target;
      /** A run whose attempts ran out: its outcome is recorded too. */
      readonly run?: RunReport;
    }
  | {
      readonly kind: 'run-ended';
      readonly target: Target;
      readonly run: RunReport;
      /** Why nothing more happens, or the next attempt started for the types that failed. */
      readonly next: { readonly why: string } | { readonly runId: string; readonly attempt: number };
    }
  | { readonly kind: 'outcome-unreadable'; readonly reason: string }
  | {
      readonly kind: 'name-generation-ended';
      readonly status: string;
      readonly domainId?: string | undefined;
    };

/** A retry, typed as one so that a wait known in advance can be added to it without checking its kind. */
type RetryOutcome = Extract<RecordOutcome, { readonly kind: 'retry' }>;

/** One generation group's run, for a record that starts several. */
interface GroupRun {
  readonly types: readonly string[];
  readonly runId: string | undefined;
  readonly startedNow: boolean;
}

/** A finished run as recorded: status, per-type results and how long it took. */
export interface RunReport {
  readonly runId: string;
  readonly status: string;
  readonly types: readonly string[];
  readonly typeStats: readonly {
    readonly type: string;
    readonly status?: string | undefined;
    readonly errorMessage?: string | undefined;
  }[];
  /** From the run's creation to the outcome event's time. */
  readonly durationSeconds?: number | undefined;
}

export interface ErrorSummary {
  readonly name: string;
  readonly message: string;
  /** The call that failed or was not made, for an error that knows it. */
  readonly operation?: string;
}

const MAX_MESSAGE_CODE_POINTS = 1000;

/** The worker's errors that name the DataZone call they are about: quotas, throttles and rates are per operation. */
function isOperationError(
  error: object,
): error is ServiceError | BatchDeferredError | RequestSlotUnavailableError {
  return (
    error instanceof ServiceError ||
    error instanceof BatchDeferredError ||
    error instanceof RequestSlotUnavailableError
  );
}

/** The name and message of anything thrown, the message cut to a size a log line or an attribute can carry. */
export function summarise(error: unknown): ErrorSummary {
  if (typeof error !== 'object' || error === null) {
    return { name: 'NonErrorThrown', message: truncateCodePoints(String(error), MAX_MESSAGE_CODE_POINTS) };
  }
  const { name, message } = error as { name?: unknown; message?: unknown };
  const operation = isOperationError(error) ? error.operation : undefined;
  return {
    name: typeof name === 'string' && name !== '' ? name : 'Error',
    message: truncateCodePoints(typeof message === 'string' ? message : '', MAX_MESSAGE_CODE_POINTS),
    ...(operation === undefined ? {} : { operation }),
  };
}

/**
 * The outcome of an error the worker's own code or an adapter raised. Anything that is not one of the worker's
 * types is a defect or an unforeseen failure: it is retried with backoff and the queue's redrive policy bounds
 * the attempts, so it is neither lost nor retried forever.
 */
export function outcomeForError(error: unknown, target?: Target): RecordOutcome {
  const summary = summarise(error);
  const withTarget = target === undefined ? {} : { target };
  const retry = (cause: RetryCause, schedule: BackoffSchedule): RetryOutcome => ({
    kind: 'retry',
    cause,
    schedule,
    error: summary,
    ...withTarget,
  });
  if (error instanceof InvalidEventError) return { kind: 'dead-letter', error: summary, ...withTarget };
  if (error instanceof DeadlineExceededError) return retry('deadline', 'short');
  if (error instanceof BatchDeferredError) return retry('deferred', error.long ? 'long' : 'short');
  if (error instanceof RequestSlotUnavailableError) {
    const after = error.retryAfterSeconds;
    const waited = retry('deferred', 'short');
    return after === undefined ? waited : { ...waited, visibleAfterSeconds: after };
  }
  if (!(error instanceof ServiceError)) return retry('transient', 'short');
  switch (error.kind) {
    case 'permanent':
      return { kind: 'dead-letter', error: summary, ...withTarget };
    case 'quota':
      return retry('quota', 'long');
    case 'throttled':
      return retry('throttled', 'short');
    // A conflict counts as done only once the run is confirmed (the pipeline does that); unconfirmed, it waits.
    case 'conflict':
    case 'transient':
      return retry('transient', 'short');
  }
}
