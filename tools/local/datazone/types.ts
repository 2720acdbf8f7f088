// The public shapes of the local DataZone stand-in: options, faults, what it records, and its handle.
import type { Catalog } from './catalog.js';

export type DataZoneOperation =
  | 'StartMetadataGenerationRun'
  | 'GetAsset'
  | 'GetMetadataGenerationRun'
  | 'ListMetadataGenerationRuns'
  | 'Search';

/** HTTP status of each modelled DataZone error (the SDK reads the name from `x-amzn-ErrorType`). */
export const DATAZONE_ERROR_STATUS = {
  ValidationException: 400,
  UnauthorizedException: 401,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerException: 500,
} as const;

export type DataZoneErrorName = keyof typeof DATAZONE_ERROR_STATUS;

// The API model's enum, from the one place the worker records it.
import type { GenerationType } from '../../../src/core/generation-types.js';

export { GENERATION_TYPES, type GenerationType } from '../../../src/core/generation-types.js';

export const RUN_STATUSES = [
  'SUBMITTED',
  'IN_PROGRESS',
  'CANCELED',
  'SUCCEEDED',
  'FAILED',
  'PARTIALLY_SUCCEEDED',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** How a run can end. */
export type RunEnd = 'SUCCEEDED' | 'FAILED' | 'PARTIALLY_SUCCEEDED' | 'CANCELED';

/** How one run ends: its status, or the status with the types that fail, their error and when. */
export type RunOutcomeSpec =
  | RunEnd
  | {
      status: RunEnd;
      /** PARTIALLY_SUCCEEDED: the run's types that fail (default: all but its first). */
      failedTypes?: readonly GenerationType[];
      /** Each failed type's errorMessage (default: an internal error a new run may mend). */
      errorMessage?: string;
      /** Ends this long after its creation (default: the lifecycle's completeAfterMs). */
      afterMs?: number;
    };

/** One type's result, as GetMetadataGenerationRun reports it once the run has ended. */
export interface TypeStat {
  type: GenerationType;
  status: RunStatus;
  errorMessage?: string;
}

/** A DataZone event as published to EventBridge (the envelope and DataZone's detail). */
export interface DataZoneEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.datazone';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    version: '1';
    metadata: Record<string, string>;
    data: Record<string, string>;
  };
}

/** An error to force: its name, or the name with a message and how many times to apply it (default: always). */
export type ErrorSpec = DataZoneErrorName | { name: DataZoneErrorName; message?: string; times?: number };

interface FaultHookRequest {
  operation: DataZoneOperation;
  pathParams: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  body: unknown;
}

export interface DataZoneFaults {
  /**
   * Token bucket: `burst` tokens, refilled at `requestsPerSecond` on the server clock; empty → 429. It limits the
   * `operations` named (default all) together, or with `perOperation` each of them on its own bucket of that size,
   * as AWS sets its quotas per API operation.
   */
  rateLimit?:
    | {
        requestsPerSecond: number;
        burst: number;
        operations?: readonly DataZoneOperation[];
        perOperation?: boolean;
      }
    | undefined;
  /** Runs SUBMITTED/IN_PROGRESS at once; a new run beyond it → 402 ServiceQuotaExceededException. */
  maxRunsInProgress?: number | undefined;
  /** Fraction (0–1) of requests answered with 500 InternalServerException (seeded). */
  internalErrorRate?: number | undefined;
  /** Fraction (0–1) of requests whose connection is destroyed without a response (seeded). */
  dropRate?: number | undefined;
  /** Added latency per request: fixed, or uniform in [min, max] (seeded). Never blocks other requests. */
  latencyMs?: number | { min: number; max: number } | undefined;
  /** Operations the random faults (500s, drops, latency) apply to; default all. */
  operations?: readonly DataZoneOperation[] | undefined;
  /** Errors forced for requests naming an asset id (GetAsset identifier, target.identifier, targetIdentifier). */
  forceErrors?: Readonly<Record<string, ErrorSpec>> | undefined;
  /** Fraction (0–1) of outcome events published twice (seeded): EventBridge delivers at least once. */
  outcomeEventDuplicateRate?: number | undefined;
  /** Fraction (0–1) of outcome events never published (seeded): EventBridge delivery is best effort. */
  outcomeEventLossRate?: number | undefined;
  /** Last word: return an error or 'drop' for any request. Runs after the rate limit, before handling. */
  hook?: ((req: FaultHookRequest) => ErrorSpec | 'drop' | undefined) | undefined;
}

/**
 * How runs move along the server clock and how they end. Each run's end is decided when it starts: the asset's
 * `runOutcomes` in the catalog (by attempt), else a seeded choice by `outcomeWeights`, else `finalStatus`.
 */
export interface RunLifecycle {
  /** SUBMITTED → IN_PROGRESS after this long. Default 50 ms. */
  inProgressAfterMs?: number;
  /** → its end after this long from creation; 'never' keeps runs IN_PROGRESS. Default 200 ms. */
  completeAfterMs?: number | 'never';
  /** Default SUCCEEDED. */
  finalStatus?: RunOutcomeSpec;
  /** Relative weights of each end, drawn per run from the seed and the run's identity (not its order). */
  outcomeWeights?: Partial<Record<RunEnd, number>>;
}

export type ConflictScope = 'revision' | 'asset' | 'types';

export interface LocalDataZoneOptions {
  /** The catalog, or a path to its JSON. Default tools/local/catalog.json. */
  catalog?: Catalog | string | URL;
  /** Default: a free port. The server listens on 127.0.0.1. */
  port?: number;
  /** Server clock (run lifecycle, token bucket, timestamps). Default Date.now. */
  now?: () => number;
  /** Seeds every random decision (faults, latency, run ids). Default 1. */
  seed?: number;
  lifecycle?: RunLifecycle;
  faults?: DataZoneFaults;
  /** What a new run collides with: a run in progress of the same revision (default), of the asset, or of the
   * same revision sharing a type with it (DataZone does not document which). */
  conflictScope?: ConflictScope;
  /** Where outcome events go when `publishDue` publishes them (the local EventBridge bus). */
  eventBus?: (event: DataZoneEvent) => void;
}

export interface RecordedRequest {
  seq: number;
  operation: DataZoneOperation | 'Unknown';
  method: string;
  path: string;
  pathParams: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  /** Undefined while in flight, and for dropped connections. */
  status?: number;
  errorName?: string;
  errorMessage?: string;
  dropped: boolean;
  /** A StartMetadataGenerationRun answered from its client token (no new run). */
  replayed?: boolean;
  /** The caller's User-Agent header: tells callers apart (the SDK adds `app/<id>` from AWS_SDK_UA_APP_ID). */
  userAgent?: string;
  runId?: string;
  receivedAt: number;
  respondedAt?: number;
}

export interface MetadataGenerationRun {
  seq: number;
  id: string;
  domainId: string;
  owningProjectId: string;
  target: { type: 'ASSET'; identifier: string; revision: string };
  types: GenerationType[];
  clientToken: string;
  /** ms since epoch */
  createdAt: number;
  createdBy: string;
  /** The n-th run of its asset revision among those sharing a type with it (how the catalog's script applies). */
  attempt: number;
  /** How and when it ends, decided at creation; `at` undefined: it never ends by itself. */
  end: { at: number | undefined; status: RunEnd; typeStats: TypeStat[] };
  /** Its outcome event has been published (or lost, as the faults say). */
  published?: boolean;
  /** Set by cancel or setRunStatus; otherwise the status follows the lifecycle. */
  statusOverride?: RunStatus;
}

export interface DataZoneSummary {
  requests: number;
  byOperation: Partial<Record<DataZoneOperation | 'Unknown', number>>;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  dropped: number;
  runs: number;
  replays: number;
}

export interface LocalDataZone {
  url: string;
  port: number;
  readonly catalog: Catalog;
  /** Every request, in arrival order (entries are completed in place when answered). */
  readonly requests: RecordedRequest[];
  /** Every run created, in creation order. */
  readonly runs: MetadataGenerationRun[];
  close(): Promise<void>;
  /** Merges into the current faults (pass a field as undefined to clear it); resets bucket and counters. */
  setFaults(faults: DataZoneFaults): void;
  clearFaults(): void;
  runsFor(domainId: string, assetId: string, revision?: string): MetadataGenerationRun[];
  setRunStatus(runId: string, status: RunStatus): void;
  /** A run's status now, on the server clock. */
  statusOf(run: MetadataGenerationRun): RunStatus;
  /** Adds a new current revision to an asset (e.g. to mimic "New Asset Version Available"); returns it. */
  addRevision(domainId: string, assetId: string, revision?: string): string;
  countsByOperation(): Partial<Record<DataZoneOperation | 'Unknown', number>>;
  /**
   * Publishes the outcome event of every run that has ended by now and not yet had it, in the order they ended,
   * to the `eventBus` option; returns them (twice for a duplicated one; none for a lost one).
   */
  publishDue(): DataZoneEvent[];
  /** When the next run whose outcome event is still to come ends; undefined when none will end by itself. */
  nextRunEndAt(): number | undefined;
  summary(): DataZoneSummary;
  /** Forgets requests, runs and client tokens (the catalog's added revisions stay). */
  reset(): void;
}
