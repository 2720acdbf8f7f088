/**
 * What one DataZone call carries to the SDK client's middleware, HTTP handler and retry strategy: the abort signal
 * that ends it and the pacing of its HTTP attempts. It travels in an AsyncLocalStorage, not as per-call options or
 * per-command middleware, so that the client resolves its middleware stack once per command type (the SDK's
 * `cacheMiddleware`) instead of at every send: about 60–90 µs of CPU less per record (docs/benchmarks-history.md).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  FinalizeRequestMiddleware,
  HttpHandlerOptions,
  MetadataBearer,
  Pluggable,
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken,
} from '@smithy/types';

export interface CallScope {
  /** Ends the call's HTTP attempts and its waits between them. */
  readonly signal: AbortSignal;
  /**
   * One HTTP attempt of the call: waits until it may go out (after a failed attempt, `backoffMs` of the retry's
   * number first), sends it, and learns from how it ended.
   */
  attempt<Output>(send: () => Promise<Output>, backoffMs: (retry: number) => number): Promise<Output>;
}

const scopes = new AsyncLocalStorage<CallScope>();

/** Runs `call` (one `client.send`) in `scope`: its requests are paced and aborted by it. */
export function withinScope<Output>(scope: CallScope, call: () => Promise<Output>): Promise<Output> {
  return scopes.run(scope, call);
}

/** A request outside any call would go out unpaced and outlive the deadline: a defect, never a fallback. */
export class OutsideCallScopeError extends Error {
  constructor() {
    super('a DataZone request was sent outside a call scope (send it through DataZoneCalls)');
    this.name = 'OutsideCallScopeError';
  }
}

function currentScope(): CallScope {
  const scope = scopes.getStore();
  if (scope === undefined) throw new OutsideCallScopeError();
  return scope;
}

/**
 * `work`, or the signal's reason once it aborts first. The listener goes when the work settles: a backfill's signal
 * lives as long as the command, and would otherwise keep one per call.
 */
function untilAborted<Result>(work: Promise<Result>, signal: AbortSignal): Promise<Result> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<Result>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop);
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/**
 * The SDK's retry strategy with its waits ended, and no retry taken, once the call's signal aborts. The SDK's
 * retry middleware only sees a signal given as a send option, which this client never gets: without this, a
 * throttle's Retry-After (up to 5 s) would be waited past the deadline, and a failure the abort itself caused would
 * be retried and take from the retry quota the container's later calls need.
 */
export class ScopedRetryStrategy implements RetryStrategyV2 {
  constructor(private readonly inner: RetryStrategyV2) {}

  acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return untilAborted(this.inner.acquireInitialRetryToken(retryTokenScope), currentScope().signal);
  }

  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const { signal } = currentScope();
    // Checked before the strategy is asked: asking takes from its retry quota.
    if (signal.aborted) return Promise.reject(signal.reason);
    return untilAborted(this.inner.refreshRetryTokenForRetry(token, errorInfo), signal);
  }

  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess(token);
  }
}

/** The SDK's Node HTTP handler, each request aborted by its call's signal. */
export class ScopedHttpHandler extends NodeHttpHandler {
  override handle(request: HttpRequest, options: HttpHandlerOptions = {}) {
    return super.handle(request, { ...options, abortSignal: currentScope().signal });
  }
}

/**
 * Paces every HTTP attempt in its call's scope, with the client's backoff between attempts. Installed after the
 * retry middleware, so retries cannot bypass the pacing, and before signing, so a request is signed when it
 * actually goes out.
 */
export function callScopePlugin(backoffMs: (retry: number) => number): Pluggable<object, MetadataBearer> {
  const pacing: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => (args) =>
    currentScope().attempt(() => next(args), backoffMs);
  return {
    applyToStack(stack) {
      stack.addRelativeTo(pacing, {
        relation: 'before',
        toMiddleware: 'httpSigningMiddleware',
        name: 'requestBudget',
      });
    },
  };
}
