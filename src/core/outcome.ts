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
 *   revision of the asset is in progress, and this one must start after it.
 */
export type RetryCause =
  | 'throttled'
  | 'quota'
  | 'transient'
  | 'deferred'
  | 'deadline'
  | 'dead-letter-unavailable'
  | 'asset-busy';

/** Which backoff a retry follows: short for what passes in seconds, long for quotas and other revisions' runs. */
export type BackoffSchedule = 'short' | 'long';

export type RecordOutcome =
  | {
      readonly kind: 'started';
      readonly target: Target;
      readonly runId: string;
      readonly runStatus?: string | undefined;
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
    }
  | { readonly kind: 'dead-letter'; readonly error: ErrorSummary; readonly target?: Target };

export interface ErrorSummary {
  readonly name: string;
  readonly message: string;
}

const MAX_MESSAGE_CODE_POINTS = 1000;

/** The name and message of anything thrown, the message cut to a size a log line or an attribute can carry. */
export function summarise(error: unknown): ErrorSummary {
  if (typeof error !== 'object' || error === null) {
    return { name: 'NonErrorThrown', message: truncateCodePoints(String(error), MAX_MESSAGE_CODE_POINTS) };
  }
  const { name, message } = error as { name?: unknown; message?: unknown };
  return {
    name: typeof name === 'string' && name !== '' ? name : 'Error',
    message: truncateCodePoints(typeof message === 'string' ? message : '', MAX_MESSAGE_CODE_POINTS),
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
  const retry = (cause: RetryCause, schedule: BackoffSchedule): RecordOutcome => ({
    kind: 'retry',
    cause,
    schedule,
    error: summary,
    ...withTarget,
  });
  if (error instanceof InvalidEventError) return { kind: 'dead-letter', error: summary, ...withTarget };
  if (error instanceof DeadlineExceededError) return retry('deadline', 'short');
  if (error instanceof BatchDeferredError) return retry('deferred', error.long ? 'long' : 'short');
  if (error instanceof RequestSlotUnavailableError) return retry('deferred', 'short');
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
