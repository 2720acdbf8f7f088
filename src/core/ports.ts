/**
 * What the pipeline and the intake need from the world, as small interfaces of operations. Adapters in datazone/,
 * queues/ and runtime/ implement them; the entry point wires them in; tests use plain fakes.
 */
import type { GenerationType } from './generation-types.js';

/** Epoch milliseconds now: Date.now in production, a fake clock in tests. */
export type Clock = () => number;

export interface AssetFacts {
  readonly revision: string;
  readonly owningProjectId: string;
  readonly typeIdentifier: string;
  /** Published to the catalog (an active listing); undefined when the response does not say. */
  readonly listed?: boolean | undefined;
}

/** An asset as a search lists it (no revision: that takes a GetAsset). */
interface AssetListing {
  readonly assetId: string;
  readonly typeIdentifier: string | undefined;
  readonly owningProjectId: string | undefined;
}

export interface AssetPage {
  readonly assets: readonly AssetListing[];
  readonly nextToken: string | undefined;
  /** How many assets match in all, when the service says. */
  readonly totalMatchCount: number | undefined;
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

/** A run as ListMetadataGenerationRuns lists it. */
export interface RunSummary {
  readonly runId: string;
  readonly status: string | undefined;
  readonly assetId: string | undefined;
  readonly revision: string | undefined;
  readonly types: readonly string[];
  /** Epoch milliseconds. */
  readonly createdAt: number | undefined;
}

/** A run as GetMetadataGenerationRun describes it: with per-type results. */
export interface RunDetails extends RunSummary {
  readonly domainId: string;
  readonly owningProjectId: string | undefined;
  readonly typeStats: readonly TypeStat[];
}

interface TypeStat {
  readonly type: string;
  readonly status: string | undefined;
  readonly errorMessage: string | undefined;
}

/**
 * DataZone as a record sees it. Failures are the worker's own errors (core/errors.ts); how the calls are paced
 * is the adapter's business.
 */
export interface DataZonePort {
  getAsset(domainId: string, assetId: string, revision: string | undefined): Promise<AssetFacts>;
  startMetadataGenerationRun(request: StartRunRequest): Promise<StartedRun>;
  /** The asset's runs, any status (how a conflict is confirmed and an attempt counted); newest pages first. */
  listRuns(domainId: string, assetId: string): Promise<RunSummary[]>;
  getRun(domainId: string, runId: string): Promise<RunDetails>;
}

/** What a sweep asks DataZone: the assets of a domain, page by page, and each one's revision and runs. */
export interface SweepDataZone extends Pick<DataZonePort, 'getAsset' | 'listRuns' | 'getRun'> {
  /** One page of a domain's assets (Search, scope ASSET), optionally of one owning project. */
  searchAssets(
    domainId: string,
    options: {
      readonly owningProjectId?: string | undefined;
      readonly nextToken?: string | undefined;
      /** At most 50 (the API's limit). */
      readonly pageSize?: number | undefined;
    },
  ): Promise<AssetPage>;
}

/** One record's DataZone, closed when the record is done: what it held for calls it did not make is given back. */
export interface DataZoneSession extends DataZonePort {
  close(): void;
}

/** The records of one batch share it: once DataZone pushes back on one call, the others stop calling. */
export interface DataZoneBatch {
  session(): DataZoneSession;
}

export interface DataZoneGateway {
  batch(): DataZoneBatch;
}

/** Why a message is dead-lettered and where it came from: the queues adapter turns it into valid attributes. */
export interface DeadLetterReason {
  readonly errorName: string;
  readonly errorMessage: string;
  readonly sourceMessageId: string;
  /** SQS ApproximateReceiveCount; absent for direct EventBridge invocations. */
  readonly receiveCount?: number | undefined;
  readonly sourceQueueArn?: string | undefined;
  readonly detailType?: string | undefined;
  readonly clientToken?: string | undefined;
  readonly failedAt: Date;
}

export interface DeadLetter {
  /** The original message body, unchanged. */
  readonly body: string;
  readonly reason: DeadLetterReason;
}

export interface VisibilityChange {
  readonly queueUrl: string;
  readonly receiptHandle: string;
  readonly timeoutSeconds: number;
  /** Caller's key to match failures back to records. */
  readonly key: string;
}

export interface VisibilityChangeFailure {
  readonly key: string;
  readonly errorName: string;
  readonly errorMessage: string;
}

export interface QueuePort {
  /** Sends the body with its reason; rejects when SQS did not take it (nothing is sent in part). */
  deadLetter(message: DeadLetter, abortSignal?: AbortSignal): Promise<void>;
  /** Applies every change it can; returns the ones SQS did not apply. */
  changeVisibility(
    changes: readonly VisibilityChange[],
    abortSignal?: AbortSignal,
  ): Promise<VisibilityChangeFailure[]>;
}

/** The worker's source queue, for events a sweep finds missing: each body is sent as it is, all or an error. */
export interface EventQueue {
  send(bodies: readonly string[]): Promise<void>;
}

/** The current invocation's time limits. */
export interface Deadline {
  /** Epoch milliseconds after which no new work may start. */
  readonly at: number;
  /** Aborted when the deadline passes: in-flight calls are cancelled instead of running into the timeout. */
  readonly signal: AbortSignal;
  /** Aborted just before the Lambda timeout: for the reporting that may use the safety margin. */
  readonly finalSignal: AbortSignal;
  expired(): boolean;
}
