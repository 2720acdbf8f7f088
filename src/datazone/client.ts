/**
 * DataZone behind the core's port: the only code that sends DataZone requests. Every call
 * - passes the request budget on each HTTP attempt (request-budget.ts), SDK retries included;
 * - has an enforced per-attempt timeout and the invocation deadline as abort signal, so no call outlives it;
 * - fails with the worker's own errors (errors.ts), translated once here.
 * The SDK's own retries (AWS_MAX_ATTEMPTS, default 3, with jitter; see createDataZoneClient) handle throttles and
 * transient faults inside the invocation.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DataZoneClient,
  type DataZoneClientConfig,
  GetAssetCommand,
  GetMetadataGenerationRunCommand,
  ListMetadataGenerationRunsCommand,
  StartMetadataGenerationRunCommand,
} from '@aws-sdk/client-datazone';
import { loadConfig } from '@smithy/core/config';
import { ConfiguredRetryStrategy, NODE_MAX_ATTEMPT_CONFIG_OPTIONS } from '@smithy/core/retry';
import type { MetadataBearer, RetryStrategyV2 } from '@smithy/types';
import {
  BatchDeferredError,
  DeadlineExceededError,
  RequestSlotUnavailableError,
  ServiceError,
} from '../core/errors.js';
import type {
  AssetFacts,
  Clock,
  DataZoneBatch,
  DataZoneGateway,
  DataZoneSession,
  Deadline,
  RunDetails,
  RunSummary,
  StartedRun,
  StartRunRequest,
} from '../core/ports.js';
import { collectBody } from '../runtime/body-collector.js';
import { SigningSha256 } from '../runtime/signing-hash.js';
import {
  type CallScope,
  callScopePlugin,
  ScopedHttpHandler,
  ScopedRetryStrategy,
  withinScope,
} from './call-scope.js';
import { kindOf, type Operation, toServiceError } from './errors.js';
import type { RecordBudget, RequestBudget, Slot } from './request-budget.js';
import { incompleteResponse, summaryOf } from './responses.js';

const WORKER_ERRORS = [BatchDeferredError, RequestSlotUnavailableError, DeadlineExceededError, ServiceError];

/** Runs per asset are few; the bound only keeps a misbehaving pagination from looping. */
const MAX_RUN_PAGES = 5;

/**
 * How far DataZone's clock may run ahead of ours before a run created "before" the request is not believed to be
 * older: a replay compared with a fresh start differs by the time between two deliveries, seconds at least.
 */
const CLOCK_TOLERANCE_MS = 2000;

/** The SDK's backoff before a retry, full jitter: up to 100 ms, then 200, 400, … (its standard curve for faults). */
const RETRY_DELAY_BASE_MS = 100;
const RETRY_DELAY_MAX_MS = 20_000;

/** The wait before the SDK's retry number `retry` (1 for the first), `random` drawing the jitter from [0, 1). */
export function retryDelayMs(retry: number, random: () => number): number {
  return Math.floor(random() * Math.min(RETRY_DELAY_MAX_MS, RETRY_DELAY_BASE_MS * 2 ** (retry - 1)));
}

/** The clients made by createDataZoneClient: the only ones whose requests are paced and bounded by a scope. */
const SCOPED_CLIENTS = new WeakSet<DataZoneClient>();

/** What studies and local tools may set (an endpoint, credentials, another retry strategy); the rest is fixed. */
export type ClientSettings = Omit<
  DataZoneClientConfig,
  'requestHandler' | 'retryStrategy' | 'retryMode' | 'cacheMiddleware' | 'sha256' | 'streamCollector'
> & {
  /** Studies only: the SDK's adaptive strategy, say. Its waits still end with the call's signal. */
  readonly retryStrategy?: RetryStrategyV2;
};

/**
 * The per-attempt timeout is enforced (the SDK's node handler only warns unless told to throw); a cut attempt is a
 * TimeoutError, retried by the SDK and then by the queue like any transient fault.
 * The SDK retries as in its standard mode (AWS_MAX_ATTEMPTS, default 3, and its retry quota), with one backoff
 * for throttles and faults alike: pacing after a throttle is the request budget's (each retry waits for a slot of
 * its operation's adapted rate), and the standard mode's own throttle backoff (up to 1 s, then 2 s) would hold a
 * whole batch behind one record's blind wait. The backoff is waited in the call's scope (call-scope.ts), where the
 * deadline cuts it short, so the SDK's own is zero. The adaptive mode (AWS_RETRY_MODE) is not used: it would stack
 * its own rate limiter on top of the worker's.
 */
export function createDataZoneClient(
  requestTimeoutMs: number,
  random: () => number = Math.random,
  { retryStrategy, ...settings }: ClientSettings = {},
): DataZoneClient {
  const client = new DataZoneClient({
    ...settings,
    retryStrategy: new ScopedRetryStrategy(
      retryStrategy ?? new ConfiguredRetryStrategy(loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS), 0),
    ),
    requestHandler: new ScopedHttpHandler({
      requestTimeout: requestTimeoutMs,
      connectionTimeout: Math.min(requestTimeoutMs, 3000),
      throwOnRequestTimeout: true,
    }),
    sha256: SigningSha256,
    streamCollector: collectBody,
    cacheMiddleware: true,
  });
  client.middlewareStack.use(callScopePlugin((retry) => retryDelayMs(retry, random)));
  SCOPED_CLIENTS.add(client);
  return client;
}

export class DataZoneCalls implements DataZoneGateway {
  constructor(
    protected readonly client: DataZoneClient,
    protected readonly budget: RequestBudget,
    protected readonly deadline: Deadline,
    protected readonly now: Clock = Date.now,
  ) {
    if (!SCOPED_CLIENTS.has(client))
      throw new TypeError(
        'DataZoneCalls needs a client made by createDataZoneClient (it paces every request)',
      );
  }

  batch(): DataZoneBatch {
    const batch = this.budget.openBatch();
    return { session: () => new RecordCalls(this.client, batch.openRecord(), this.deadline, this.now) };
  }
}

export class RecordCalls implements DataZoneSession {
  constructor(
    protected readonly client: DataZoneClient,
    private readonly budget: RecordBudget,
    private readonly deadline: Deadline,
    private readonly now: Clock,
  ) {}

  close(): void {
    this.budget.close();
  }

  async getAsset(domainId: string, assetId: string, revision: string | undefined): Promise<AssetFacts> {
    const command = new GetAssetCommand({
      domainIdentifier: domainId,
      identifier: assetId,
      // The SDK leaves an undefined member out of the request: no revision asks for the current one.
      revision,
    });
    const output = await this.call('GetAsset', () => this.client.send(command));
    const { revision: currentRevision, owningProjectId, typeIdentifier } = output;
    if (!currentRevision || !owningProjectId || !typeIdentifier) {
      // The model marks these fields required; a response without them is a service fault, worth a retry.
      throw incompleteResponse('GetAsset response lacks revision, owningProjectId or typeIdentifier');
    }
    const listing = output.listing?.listingStatus;
    return {
      revision: currentRevision,
      owningProjectId,
      typeIdentifier,
      listed: listing === undefined ? undefined : listing === 'ACTIVE',
    };
  }

  async startMetadataGenerationRun(request: StartRunRequest): Promise<StartedRun> {
    const command = new StartMetadataGenerationRunCommand({
      domainIdentifier: request.domainId,
      owningProjectIdentifier: request.owningProjectId,
      target: { type: 'ASSET', identifier: request.assetId, revision: request.revision },
      types: [...request.generationTypes],
      clientToken: request.clientToken,
    });
    // Taken before the slot wait: a fresh run can only be created after it, so nothing fresh looks replayed.
    const requestedAt = this.now();
    const output = await this.call('StartMetadataGenerationRun', () => this.client.send(command));
    if (!output.id) throw incompleteResponse('StartMetadataGenerationRun response lacks the run id');
    const createdAt = output.createdAt?.getTime();
    const replayed = createdAt !== undefined && createdAt < requestedAt - CLOCK_TOLERANCE_MS;
    return { runId: output.id, status: output.status, replayed };
  }

  async listRuns(domainId: string, assetId: string): Promise<RunSummary[]> {
    const runs: RunSummary[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_RUN_PAGES; page++) {
      const command = new ListMetadataGenerationRunsCommand({
        domainIdentifier: domainId,
        targetIdentifier: assetId,
        maxResults: 50,
        nextToken,
      });
      const output = await this.call('ListMetadataGenerationRuns', () => this.client.send(command));
      for (const item of output.items ?? []) {
        if (item.id) runs.push(summaryOf({ ...item, id: item.id }));
      }
      nextToken = output.nextToken;
      if (!nextToken) break;
    }
    return runs;
  }

  async getRun(domainId: string, runId: string): Promise<RunDetails> {
    const command = new GetMetadataGenerationRunCommand({ domainIdentifier: domainId, identifier: runId });
    const output = await this.call('GetMetadataGenerationRun', () => this.client.send(command));
    return {
      ...summaryOf({ ...output, id: output.id ?? runId }),
      domainId: output.domainId ?? domainId,
      owningProjectId: output.owningProjectId,
      typeStats: (output.typeStats ?? []).map((stat) => ({
        type: stat.type ?? 'UNKNOWN',
        status: stat.status,
        errorMessage: stat.errorMessage,
      })),
    };
  }

  /**
   * One call: its first slot is reserved before it is sent (or it is refused), every HTTP attempt waits for its
   * slot in the call's scope, and its final failure is translated. An abort caused by the deadline is reported as
   * such, not as a generic AbortError; unless an attempt had already failed and the SDK was about to retry it: that
   * failure (a throttle, a 5xx) says when to try again and what the batch should learn from it, not the deadline
   * that cut the retry short.
   */
  protected async call<Output extends MetadataBearer>(
    operation: Operation,
    send: () => Promise<Output>,
  ): Promise<Output> {
    if (this.deadline.expired())
      throw new DeadlineExceededError(`invocation deadline reached before ${operation}`);
    const scope = new PacedCall(this.budget.reserve(operation), this.budget, this.deadline, this.now);
    try {
      return await withinScope(scope, send);
    } catch (error) {
      const failure = this.translate(operation, scope, error);
      this.budget.callFailed(operation, failure);
      throw failure;
    }
  }

  private translate(operation: Operation, { lastFailure, signal }: PacedCall, error: unknown): Error {
    // A retry that found no slot in time: the failure it would have retried says what to do, as when the
    // deadline cuts the backoff short.
    const retryRefused =
      error instanceof RequestSlotUnavailableError || error instanceof DeadlineExceededError;
    if (retryRefused && lastFailure !== undefined) return toServiceError(lastFailure, operation);
    // The budget's own refusals (a tripped batch, no slot, the deadline) are already the worker's errors.
    if (WORKER_ERRORS.some((type) => error instanceof type)) return error as Error;
    if (signal.aborted) {
      if (lastFailure !== undefined) return toServiceError(lastFailure, operation);
      return new DeadlineExceededError(`invocation deadline reached during ${operation}`, { cause: error });
    }
    return toServiceError(error, operation);
  }
}

/**
 * One call's scope: the signal of the invocation it started in (a later invocation's deadline never reaches it),
 * and its HTTP attempts paced by the record's budget.
 */
class PacedCall implements CallScope {
  /** The last failure an attempt met before the deadline: what a cut-short retry would have retried. */
  lastFailure: unknown;
  readonly signal: AbortSignal;
  private retries = -1;

  constructor(
    private readonly firstSlot: Slot,
    private readonly budget: RecordBudget,
    deadline: Deadline,
    private readonly now: Clock,
  ) {
    this.signal = deadline.signal;
  }

  async attempt<Output>(send: () => Promise<Output>, backoffMs: (retry: number) => number): Promise<Output> {
    const { operation } = this.firstSlot;
    this.retries += 1;
    if (this.retries === 0) await this.budget.beforeFirstAttempt(this.firstSlot);
    else {
      await sleep(backoffMs(this.retries), undefined, { signal: this.signal });
      await this.budget.beforeRetry(operation);
    }
    const sentAt = this.now();
    try {
      const result = await send();
      this.budget.answered(operation, sentAt, false);
      return result;
    } catch (error) {
      this.budget.answered(operation, sentAt, kindOf(error, operation) === 'throttled');
      if (!this.signal.aborted) this.lastFailure = error;
      throw error;
    }
  }
}
