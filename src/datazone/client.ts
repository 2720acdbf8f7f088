/**
 * DataZone behind the two operations the worker needs. The client is built once per container; every call
 * - passes a client-side token bucket on each HTTP attempt (SDK retries included), so a fleet of containers stays
 *   under the account's quota instead of discovering it through throttles;
 * - has a per-attempt timeout, and the invocation deadline as abort signal, so no call outlives the invocation.
 * The SDK's own retry strategy (standard, pinned; 3 attempts with jitter, tunable with AWS_MAX_ATTEMPTS)
 * handles throttles and transient faults inside the invocation.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  DataZoneClient,
  GetAssetCommand,
  ListMetadataGenerationRunsCommand,
  StartMetadataGenerationRunCommand,
  type StartMetadataGenerationRunCommandOutput,
} from '@aws-sdk/client-datazone';
import type { FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import type { GenerationType } from '../core/generation-types.js';
import {
  classifyError,
  DeadlineExceededError,
  RequestSlotUnavailableError,
  UnexpectedConflictError,
} from '../core/outcome.js';
import type { InvocationDeadline } from '../runtime/deadline.js';
import type { TokenBucket } from './token-bucket.js';

export interface AssetFacts {
  readonly revision: string;
  readonly owningProjectId: string;
  readonly typeIdentifier: string;
}

export interface StartRunRequest {
  readonly domainId: string;
  readonly assetId: string;
  readonly revision: string;
  readonly owningProjectId: string;
  readonly generationTypes: readonly GenerationType[];
  readonly clientToken: string;
}

export interface StartedRun {
  readonly runId: string;
  readonly status: string | undefined;
  /** The run was created before this request was sent: the client token returned an earlier start's run. */
  readonly replayed?: boolean;
}

/** How one call meets the rate limit and the batch around it. */
export interface CallOptions {
  /** A slot reserved for the first attempt (epoch ms); without one, and for SDK retries, a slot is reserved. */
  readonly slotAt?: number | undefined;
  /** Runs right before the first attempt is sent, after its slot came; throwing cancels the call. */
  readonly beforeFirstAttempt?: (() => void) | undefined;
}

/** The port the core logic depends on; tests use plain fakes or aws-sdk-client-mock. */
export interface DataZonePort {
  /**
   * Reserves request slots for the calls a record is about to make, all or none, and returns their times (epoch
   * ms). Throws DeadlineExceededError after the deadline, RequestSlotUnavailableError when the slots would not
   * all come before it.
   */
  reserveCalls(count: number): number[];
  /** Gives back reserved slots that no call will use. */
  releaseCalls(count: number): void;
  getAsset(
    domainId: string,
    assetId: string,
    revision: string | undefined,
    options?: CallOptions,
  ): Promise<AssetFacts>;
  startMetadataGenerationRun(request: StartRunRequest, options?: CallOptions): Promise<StartedRun>;
  /** The run of an asset revision, if DataZone has one (any status): how a ConflictException is confirmed. */
  findRun(
    domainId: string,
    assetId: string,
    revision: string,
    options?: CallOptions,
  ): Promise<StartedRun | undefined>;
}

/** What the HTTP attempts of one call met: the last failure the service answered before the deadline. */
interface Attempts {
  lastFailure?: unknown;
}

/**
 * How far DataZone's clock may run ahead of ours before a run created "before" the request is not believed to be
 * older: a replay compared with a fresh start differs by the time between two deliveries, seconds at least.
 */
const CLOCK_TOLERANCE_MS = 2000;

function createdBefore(createdAt: Date | undefined, sentAtMs: number): boolean {
  return createdAt instanceof Date && createdAt.getTime() < sentAtMs - CLOCK_TOLERANCE_MS;
}

type Operation = 'GetAsset' | 'StartMetadataGenerationRun' | 'ListMetadataGenerationRuns';

/** Runs per asset are few; the bound only keeps a misbehaving pagination from looping. */
const MAX_RUN_PAGES = 5;

/**
 * The per-attempt timeout is enforced (the SDK's node handler only warns unless told to throw); a cut attempt is a
 * TimeoutError, retried by the SDK and then by the queue like any transient fault. The retry mode is pinned to
 * standard: the adaptive mode (AWS_RETRY_MODE) would stack its own rate limiter on top of the worker's.
 */
export function createDataZoneClient(requestTimeoutMs: number): DataZoneClient {
  return new DataZoneClient({
    retryMode: 'standard',
    requestHandler: {
      requestTimeout: requestTimeoutMs,
      connectionTimeout: Math.min(requestTimeoutMs, 3000),
      throwOnRequestTimeout: true,
    },
  });
}

export class DataZoneAdapter implements DataZonePort {
  constructor(
    private readonly client: DataZoneClient,
    private readonly rateLimit: TokenBucket,
    private readonly deadline: InvocationDeadline,
    private readonly now: () => number = Date.now,
  ) {}

  reserveCalls(count: number): number[] {
    this.deadline.check('reserving DataZone request slots');
    const slots = this.rateLimit.reserve(count, this.deadline.at);
    if (slots === undefined) {
      const rate = this.rateLimit.currentRatePerSecond;
      throw new RequestSlotUnavailableError(
        `no ${count} DataZone request slot(s) before the invocation deadline at ${rate} requests/s`,
      );
    }
    return slots;
  }

  releaseCalls(count: number): void {
    if (count > 0) this.rateLimit.release(count);
  }

  async getAsset(
    domainId: string,
    assetId: string,
    revision: string | undefined,
    options: CallOptions = {},
  ): Promise<AssetFacts> {
    const command = new GetAssetCommand({
      domainIdentifier: domainId,
      identifier: assetId,
      ...(revision === undefined ? {} : { revision }),
    });
    const attempts = this.rateLimitAttempts(command.middlewareStack, options);
    const output = await this.call('GetAsset', attempts, () =>
      this.client.send(command, { abortSignal: this.deadline.signal }),
    );
    const { revision: currentRevision, owningProjectId, typeIdentifier } = output;
    if (!currentRevision || !owningProjectId || !typeIdentifier) {
      // The model marks these fields required; a response without them is a service fault, worth a retry.
      throw Object.assign(new Error('GetAsset response lacks revision, owningProjectId or typeIdentifier'), {
        name: 'IncompleteResponseError',
      });
    }
    return { revision: currentRevision, owningProjectId, typeIdentifier };
  }

  async startMetadataGenerationRun(request: StartRunRequest, options: CallOptions = {}): Promise<StartedRun> {
    const command = new StartMetadataGenerationRunCommand({
      domainIdentifier: request.domainId,
      owningProjectIdentifier: request.owningProjectId,
      target: { type: 'ASSET', identifier: request.assetId, revision: request.revision },
      types: [...request.generationTypes],
      clientToken: request.clientToken,
    });
    const attempts = this.rateLimitAttempts(command.middlewareStack, options);
    // Taken before the slot wait: a fresh run can only be created after it, so nothing fresh looks replayed.
    const requestedAt = this.now();
    const output: StartMetadataGenerationRunCommandOutput = await this.call(
      'StartMetadataGenerationRun',
      attempts,
      () => this.client.send(command, { abortSignal: this.deadline.signal }),
    );
    if (!output.id) {
      throw Object.assign(new Error('StartMetadataGenerationRun response lacks the run id'), {
        name: 'IncompleteResponseError',
      });
    }
    return {
      runId: output.id,
      status: output.status,
      replayed: createdBefore(output.createdAt, requestedAt),
    };
  }

  async findRun(
    domainId: string,
    assetId: string,
    revision: string,
    options: CallOptions = {},
  ): Promise<StartedRun | undefined> {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_RUN_PAGES; page++) {
      const command = new ListMetadataGenerationRunsCommand({
        domainIdentifier: domainId,
        targetIdentifier: assetId,
        maxResults: 50,
        ...(nextToken === undefined ? {} : { nextToken }),
      });
      // Only the first page's first attempt may use a reserved slot.
      const attempts = this.rateLimitAttempts(
        command.middlewareStack,
        page === 0 ? options : { ...options, slotAt: undefined },
      );
      const output = await this.call('ListMetadataGenerationRuns', attempts, () =>
        this.client.send(command, { abortSignal: this.deadline.signal }),
      );
      const run = output.items?.find(
        (item) => item.target?.identifier === assetId && item.target.revision === revision,
      );
      if (run?.id) return { runId: run.id, status: run.status };
      nextToken = output.nextToken;
      if (!nextToken) return undefined;
    }
    return undefined;
  }

  /**
   * Every HTTP attempt of the command waits for a request slot: the first uses the slot reserved for it, SDK
   * retries reserve their own. Installed after the retry middleware, so retries cannot bypass the rate limit,
   * and each attempt's answer adapts the rate (throttles slow it down, successes bring it back).
   */
  private rateLimitAttempts<Input extends object, Output extends MetadataBearer>(
    stack: MiddlewareStack<Input, Output>,
    { slotAt: reservedSlot, beforeFirstAttempt }: CallOptions,
  ): Attempts {
    const attempts: Attempts = {};
    let prepaid = reservedSlot;
    let firstAttempt = true;
    const middleware: FinalizeRequestMiddleware<Input, Output> = (next) => async (args) => {
      const slotAt = prepaid ?? this.rateLimit.reserve(1, this.deadline.at)?.[0];
      prepaid = undefined;
      if (slotAt === undefined) {
        throw new RequestSlotUnavailableError('no DataZone request slot left before the invocation deadline');
      }
      const waitMs = slotAt - this.now();
      if (waitMs > 0) await sleep(waitMs, undefined, { signal: this.deadline.signal });
      if (firstAttempt) {
        firstAttempt = false;
        try {
          beforeFirstAttempt?.();
        } catch (error) {
          this.rateLimit.release(1); // the slot goes unused
          throw error;
        }
      }
      try {
        const result = await next(args);
        this.rateLimit.succeeded();
        return result;
      } catch (error) {
        // The service says the rate is too high for now: the container slows down until it stops saying so.
        if (classifyError(error).errorClass === 'throttled') this.rateLimit.throttled();
        if (!this.deadline.signal.aborted) attempts.lastFailure = error;
        throw error;
      }
    };
    stack.addRelativeTo(middleware, {
      relation: 'before',
      toMiddleware: 'httpSigningMiddleware',
      name: 'clientSideRateLimit',
    });
    return attempts;
  }

  /**
   * An abort caused by the deadline is reported as such, not as a generic AbortError; unless an attempt had
   * already failed and the SDK was about to retry it: that failure (a throttle, a 5xx) says when to try again and
   * what the batch should learn from it, not the deadline that cut the retry short.
   */
  private async call<T>(operation: Operation, attempts: Attempts, send: () => Promise<T>): Promise<T> {
    this.deadline.check(operation);
    try {
      return await send();
    } catch (error) {
      if (this.deadline.signal.aborted && !(error instanceof DeadlineExceededError)) {
        if (attempts.lastFailure !== undefined) throw attempts.lastFailure;
        throw new DeadlineExceededError(`invocation deadline reached during ${operation}`, { cause: error });
      }
      // Only a start can meet an existing run; a 409 from any other call must not pass for "the run exists".
      if (operation !== 'StartMetadataGenerationRun' && classifyError(error).errorClass === 'conflict') {
        const { name, message } = classifyError(error);
        throw new UnexpectedConflictError(`${operation} answered ${name}: ${message}`, { cause: error });
      }
      throw error;
    }
  }
}
