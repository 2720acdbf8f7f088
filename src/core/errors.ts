/**
 * The worker's own errors. Adapters translate what their SDKs throw into these once, at their boundary; the core
 * decides an outcome from these types alone and knows no AWS exception name.
 */

/**
 * How a service answered, as far as the worker's decisions go:
 * - throttled: slow down (the batch stops calling, the rate adapts);
 * - quota: a quota is used up for now (like throttled, with the long backoff);
 * - conflict: StartMetadataGenerationRun met a run of the asset (confirmed before it counts as done);
 * - permanent: the same request will fail again (dead-letter with the reason);
 * - transient: anything that may pass (5xx, timeouts, dropped connections, unexpected answers).
 */
export type ServiceErrorKind = 'throttled' | 'quota' | 'conflict' | 'permanent' | 'transient';

/** A service's answer, translated: `name` and `message` stay the service's own, for logs and the DLQ. */
export class ServiceError extends Error {
  /** The call that failed (a DataZone operation), when known: quotas and throttles are per operation. */
  readonly operation: string | undefined;

  constructor(
    readonly kind: ServiceErrorKind,
    name: string,
    message: string,
    options?: { readonly cause?: unknown; readonly operation?: string },
  ) {
    super(message, options);
    this.name = name;
    this.operation = options?.operation;
  }
}

/** Raised by the worker itself when the invocation's deadline leaves no room for a call. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

/** Raised instead of a DataZone call once an earlier call of the batch ended throttled or over the quota. */
export class BatchDeferredError extends Error {
  override readonly name = 'BatchDeferredError';
  constructor(
    message: string,
    /** Whether what stopped the batch calls for the long backoff (a quota) or the short one. */
    readonly long: boolean,
    /** The call not made (a DataZone operation). */
    readonly operation?: string,
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
  /** When the slot would come, if that is known: the record waits in the queue until then, not in Lambda. */
  readonly retryAfterSeconds: number | undefined;
  /** The call whose slot did not come (a DataZone operation). */
  readonly operation: string | undefined;

  constructor(
    message: string,
    details: {
      readonly retryAfterSeconds?: number | undefined;
      readonly operation?: string | undefined;
    } = {},
  ) {
    super(message);
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.operation = details.operation;
  }
}

/** An event that can never be processed as it is: it goes to the dead-letter queue with this reason. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}
