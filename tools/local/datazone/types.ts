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

export const GENERATION_TYPES = [
  'BUSINESS_DESCRIPTIONS',
  'BUSINESS_NAMES',
  'BUSINESS_GLOSSARY_ASSOCIATIONS',
] as const;
export type GenerationType = (typeof GENERATION_TYPES)[number];

export const RUN_STATUSES = [
  'SUBMITTED',
  'IN_PROGRESS',
  'CANCELED',
  'SUCCEEDED',
  'FAILED',
  'PARTIALLY_SUCCEEDED',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** An error to force: its name, or the name with a message and how many times to apply it (default: always). */
export type ErrorSpec = DataZoneErrorName | { name: DataZoneErrorName; message?: string; times?: number };

interface FaultHookRequest {
  operation: DataZoneOperation;
  pathParams: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  body: unknown;
}

export interface DataZoneFaults {
  /** Token bucket: `burst` tokens, refilled at `requestsPerSecond` on the server clock; empty → 429. */
  rateLimit?:
    | { requestsPerSecond: number; burst: number; operations?: readonly DataZoneOperation[] }
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
  /** Last word: return an error or 'drop' for any request. Runs after the rate limit, before handling. */
  hook?: ((req: FaultHookRequest) => ErrorSpec | 'drop' | undefined) | undefined;
}

export interface RunLifecycle {
  /** SUBMITTED → IN_PROGRESS after this long. Default 50 ms. */
  inProgressAfterMs?: number;
  /** → finalStatus after this long from creation; 'never' keeps runs IN_PROGRESS. Default 200 ms. */
  completeAfterMs?: number | 'never';
  /** Default SUCCEEDED. */
  finalStatus?: 'SUCCEEDED' | 'FAILED' | 'PARTIALLY_SUCCEEDED';
}

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
  /** What a second in-progress run collides with: the same asset revision (default) or the asset. */
  conflictScope?: 'revision' | 'asset';
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
  /** Adds a new current revision to an asset (e.g. to mimic "New Asset Version Available"); returns it. */
  addRevision(domainId: string, assetId: string, revision?: string): string;
  countsByOperation(): Partial<Record<DataZoneOperation | 'Unknown', number>>;
  summary(): DataZoneSummary;
  /** Forgets requests, runs and client tokens (the catalog's added revisions stay). */
  reset(): void;
}
