/**
 * What the DataZone SDK throws → the worker's ServiceError, once, at the adapter's boundary. The only place that
 * knows AWS exception names, HTTP status codes and network error codes.
 */
import { ServiceError, type ServiceErrorKind } from '../core/errors.js';
import { summarise } from '../core/outcome.js';

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
  // Credentials that do not resolve or do not sign will not fix themselves by retrying the same message.
  'UnrecognizedClientException',
  'InvalidSignatureException',
]);

/** The DataZone operations the worker calls; only a start can meet an existing run. */
export const OPERATIONS = [
  'GetAsset',
  'StartMetadataGenerationRun',
  'ListMetadataGenerationRuns',
  'GetMetadataGenerationRun',
  'Search',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** A request that timed out on the service's side is worth another try, whatever its 4xx status says. */
const TIMEOUT_NAMES = new Set(['RequestTimeout', 'RequestTimeoutException']);

/** The HTTP status of a service error; connection errors and timeouts on our side have none. */
function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The kind of a DataZone failure. Names first, then the status: a throttle reported with another status is still
 * a throttle. An unknown name with a 4xx is a request the service will refuse again in the same form; everything
 * else (5xx, timeouts, dropped connections, no status at all) may pass.
 */
export function kindOf(error: unknown, operation: Operation): ServiceErrorKind {
  const { name } = summarise(error);
  const httpStatus = httpStatusOf(error);
  if (CONFLICT_NAMES.has(name) || httpStatus === 409) {
    // A 409 from any other call cannot mean "the run exists": nothing tells what it means, so it may pass.
    return operation === 'StartMetadataGenerationRun' ? 'conflict' : 'transient';
  }
  if (THROTTLING_NAMES.has(name) || httpStatus === 429) return 'throttled';
  if (QUOTA_NAMES.has(name) || httpStatus === 402) return 'quota';
  if (PERMANENT_NAMES.has(name)) return 'permanent';
  if (TIMEOUT_NAMES.has(name) || httpStatus === 408) return 'transient';
  if (httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500) return 'permanent';
  return 'transient';
}

export function toServiceError(error: unknown, operation: Operation): ServiceError {
  if (error instanceof ServiceError) return error;
  const { name, message } = summarise(error);
  return new ServiceError(kindOf(error, operation), name, message, { cause: error, operation });
}
