/**
 * What can become of one event, and the one place where errors are mapped to it.
 *
 * A record's outcome is a value, not an exception: the batch runner collects outcomes and the reporters turn them
 * into `batchItemFailures`, visibility changes, dead-letter sends, logs and metrics.
 */

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
 * - throttled / quota / transient: the DataZone call failed that way (after the SDK's own retries);
 * - deferred: not attempted, because an earlier record of the batch was throttled or hit the quota, or because
 *   the client-side rate leaves no request slot before the deadline;
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

/** Which backoff schedule a retry follows: quota errors, and waits for another revision's run, wait longer. */
export type BackoffSchedule = 'retry' | 'quota';

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

export type ErrorClass =
  | 'throttled'
  | 'quota'
  | 'transient'
  | 'conflict'
  | 'permanent'
  | 'deadline'
  | 'deferred';

export interface ClassifiedError extends ErrorSummary {
  readonly errorClass: ErrorClass;
  readonly httpStatus?: number | undefined;
  /** For deferred records: the schedule of the error that made the batch stop calling the API. */
  readonly schedule?: BackoffSchedule | undefined;
}

/** Raised by the worker itself when the invocation's deadline leaves no room for a call. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

/** Raised instead of a DataZone call once an earlier record of the batch was throttled or hit the quota. */
export class BatchDeferredError extends Error {
  override readonly name = 'BatchDeferredError';
  constructor(
    message: string,
    readonly schedule: BackoffSchedule,
  ) {
    super(message);
  }
}

/**
 * No DataZone request slot before the invocation deadline at the current (possibly lowered) rate: the record is
 * handed back with backoff, not at once, since the next invocation of this container has the same budget.
 */
export class RequestSlotUnavailableError extends Error {
  override readonly name = 'RequestSlotUnavailableError';
}

/** SQS refused a dead-letter message as invalid (its content or attributes), not for a passing reason. */
export class DeadLetterRefusedError extends Error {
  override readonly name = 'DeadLetterRefusedError';
}

/**
 * DataZone answered ConflictException to a call that cannot conflict (anything but StartMetadataGenerationRun):
 * nothing tells what it means, so it is retried like any unexpected service fault rather than taken as done.
 */
export class UnexpectedConflictError extends Error {
  override readonly name = 'UnexpectedConflictError';
}

/** An event that can never be processed as it is: it goes to the dead-letter queue with this reason. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const QUOTA_NAMES = new Set(['ServiceQuotaExceededException']);
const CONFLICT_NAMES = new Set(['ConflictException']);
const PERMANENT_NAMES = new Set([
  'ValidationException',
  'AccessDeniedException',
  'UnauthorizedException',
  'ResourceNotFoundException',
  'InvalidEventError',
  // Credentials that do not resolve or do not sign will not fix themselves by retrying the same message.
  'UnrecognizedClientException',
  'InvalidSignatureException',
]);
const TRANSIENT_NAMES = new Set([
  'InternalServerException',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

const MAX_MESSAGE_LENGTH = 1000;

/**
 * Maps any thrown value to an error class. Unknown errors are transient: the message is retried with backoff and
 * the queue's redrive policy bounds the attempts, so an unforeseen failure is neither lost nor retried forever.
 */
export function classifyError(error: unknown): ClassifiedError {
  const { name, message, httpStatus, code } = inspect(error);
  const summary = { name, message: truncate(message), httpStatus };
  if (error instanceof BatchDeferredError)
    return { ...summary, errorClass: 'deferred', schedule: error.schedule };
  if (error instanceof RequestSlotUnavailableError) {
    return { ...summary, errorClass: 'deferred', schedule: 'retry' };
  }
  if (name === 'DeadlineExceededError') return { ...summary, errorClass: 'deadline' };
  if (error instanceof UnexpectedConflictError) return { ...summary, errorClass: 'transient' };
  if (CONFLICT_NAMES.has(name) || httpStatus === 409) return { ...summary, errorClass: 'conflict' };
  if (THROTTLING_NAMES.has(name) || httpStatus === 429) return { ...summary, errorClass: 'throttled' };
  if (QUOTA_NAMES.has(name) || httpStatus === 402) return { ...summary, errorClass: 'quota' };
  if (PERMANENT_NAMES.has(name)) return { ...summary, errorClass: 'permanent' };
  if (TRANSIENT_NAMES.has(name) || (code !== undefined && TRANSIENT_NETWORK_CODES.has(code))) {
    return { ...summary, errorClass: 'transient' };
  }
  if (httpStatus !== undefined && httpStatus >= 500) return { ...summary, errorClass: 'transient' };
  // Any other 4xx is a request the service will refuse again in the same form.
  if (httpStatus !== undefined && httpStatus >= 400) return { ...summary, errorClass: 'permanent' };
  return { ...summary, errorClass: 'transient' };
}

/** The outcome a classified error leads to. */
export function outcomeForError(error: ClassifiedError, target: Target | undefined): RecordOutcome {
  const summary: ErrorSummary = { name: error.name, message: error.message };
  const withTarget = target === undefined ? {} : { target };
  switch (error.errorClass) {
    case 'conflict':
      if (target === undefined) return { kind: 'dead-letter', error: summary };
      return { kind: 'already-exists', target, error: summary };
    case 'permanent':
      return { kind: 'dead-letter', error: summary, ...withTarget };
    case 'quota':
      return { kind: 'retry', cause: 'quota', schedule: 'quota', error: summary, ...withTarget };
    case 'throttled':
      return { kind: 'retry', cause: 'throttled', schedule: 'retry', error: summary, ...withTarget };
    case 'deadline':
      return { kind: 'retry', cause: 'deadline', schedule: 'retry', error: summary, ...withTarget };
    case 'transient':
      return { kind: 'retry', cause: 'transient', schedule: 'retry', error: summary, ...withTarget };
    case 'deferred':
      return {
        kind: 'retry',
        cause: 'deferred',
        schedule: error.schedule ?? 'retry',
        error: summary,
        ...withTarget,
      };
  }
}

/** Whether later records of the same batch should stay away from the API after this error. */
export function tripsBreaker(error: ClassifiedError): boolean {
  return error.errorClass === 'throttled' || error.errorClass === 'quota';
}

function inspect(error: unknown): { name: string; message: string; httpStatus?: number; code?: string } {
  if (typeof error !== 'object' || error === null) {
    return { name: 'NonErrorThrown', message: String(error) };
  }
  const record = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    cause?: { code?: unknown };
  };
  const name = typeof record.name === 'string' && record.name !== '' ? record.name : 'Error';
  const message = typeof record.message === 'string' ? record.message : '';
  const status = record.$metadata?.httpStatusCode;
  const code = typeof record.code === 'string' ? record.code : record.cause?.code;
  return {
    name,
    message,
    ...(typeof status === 'number' ? { httpStatus: status } : {}),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

function truncate(text: string): string {
  return truncateCodePoints(text, MAX_MESSAGE_LENGTH);
}
