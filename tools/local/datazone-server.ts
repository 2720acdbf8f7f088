// A local stand-in for the Amazon DataZone endpoint (restJson1), for development and tests only.
// It speaks just enough of the wire protocol for the unmodified @aws-sdk/client-datazone: point the client's
// `endpoint` (or AWS_ENDPOINT_URL_DATAZONE) at `url`. Never import this from src/.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, isRecord, listen, readBody, seededRandom, validationMessage } from './http-util.js';

export type DataZoneOperation =
  | 'StartMetadataGenerationRun'
  | 'GetAsset'
  | 'GetMetadataGenerationRun'
  | 'ListMetadataGenerationRuns'
  | 'CancelMetadataGenerationRun';

export const DATAZONE_OPERATIONS: readonly DataZoneOperation[] = [
  'StartMetadataGenerationRun',
  'GetAsset',
  'GetMetadataGenerationRun',
  'ListMetadataGenerationRuns',
  'CancelMetadataGenerationRun',
];

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

/** Asset types DataZone can generate metadata for (the API reference names Glue tables; Redshift tables too). */
export const DEFAULT_GENERATION_CAPABLE_TYPES: readonly string[] = [
  'amazon.datazone.GlueTableAssetType',
  'amazon.datazone.RedshiftTableAssetType',
];

// ---------------------------------------------------------------------------------------------------------------
// Catalog

export interface CatalogRevision {
  revision: string;
  /** ISO-8601 */
  createdAt: string;
}

export interface CatalogAsset {
  id: string;
  name: string;
  typeIdentifier: string;
  typeRevision?: string;
  owningProjectId: string;
  /** Oldest first; the last one is the current revision. */
  revisions: CatalogRevision[];
  description?: string;
  externalIdentifier?: string;
  /** false: the asset has no structured schema yet, so generation is refused (ValidationException). */
  structuredSchema?: boolean;
}

export interface CatalogProject {
  id: string;
  name: string;
}

export interface CatalogDomain {
  id: string;
  name: string;
  projects: CatalogProject[];
  assets: CatalogAsset[];
}

export interface Catalog {
  domains: CatalogDomain[];
}

export const DEFAULT_CATALOG_PATH = new URL('./catalog.json', import.meta.url);

/** Reads and checks a catalog file, so that a typo fails at start rather than as a puzzling 404 later. */
export function loadCatalog(source: Catalog | string | URL = DEFAULT_CATALOG_PATH): Catalog {
  const raw: unknown = typeof source === 'object' && !(source instanceof URL) ? source : readJson(source);
  const fail = (why: string): never => {
    throw new Error(`invalid DataZone catalog: ${why}`);
  };
  if (!isRecord(raw) || !Array.isArray(raw.domains)) return fail('expected { "domains": [...] }');
  const catalog = structuredClone(raw) as unknown as Catalog;
  for (const [i, d] of catalog.domains.entries()) {
    if (typeof d.id !== 'string' || !DOMAIN_ID.test(d.id)) fail(`domains[${i}].id must match ${DOMAIN_ID}`);
    if (!Array.isArray(d.projects) || !Array.isArray(d.assets))
      fail(`domain ${d.id} needs projects and assets`);
    const projects = new Set(d.projects.map((p) => p.id));
    for (const a of d.assets) {
      if (typeof a.id !== 'string' || !ASSET_ID.test(a.id))
        fail(`asset id ${String(a.id)} must match ${ASSET_ID}`);
      if (!projects.has(a.owningProjectId))
        fail(`asset ${a.id}: unknown owningProjectId ${a.owningProjectId}`);
      if (!Array.isArray(a.revisions) || a.revisions.length === 0)
        fail(`asset ${a.id} needs at least one revision`);
      for (const r of a.revisions) {
        if (typeof r.revision !== 'string' || Number.isNaN(Date.parse(r.createdAt))) {
          fail(`asset ${a.id}: each revision needs a string "revision" and an ISO "createdAt"`);
        }
      }
    }
  }
  return catalog;
}

function readJson(path: string | URL): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// ---------------------------------------------------------------------------------------------------------------
// Options, faults, records

/** An error to force: its name, or the name with a message and how many times to apply it (default: always). */
export type ErrorSpec = DataZoneErrorName | { name: DataZoneErrorName; message?: string; times?: number };

export interface FaultHookRequest {
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
  port?: number;
  host?: string;
  /** Server clock (run lifecycle, token bucket, timestamps). Default Date.now. */
  now?: () => number;
  /** Seeds every random decision (faults, latency, run ids). Default 1. */
  seed?: number;
  lifecycle?: RunLifecycle;
  faults?: DataZoneFaults;
  /** What a second in-progress run collides with: the same asset revision (default) or the asset. */
  conflictScope?: 'revision' | 'asset';
  generationCapableTypes?: readonly string[];
  /** `createdBy` of runs and assets. */
  callerId?: string;
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
  readonly faults: Readonly<DataZoneFaults>;
  runsFor(domainId: string, assetId: string, revision?: string): MetadataGenerationRun[];
  statusOf(run: MetadataGenerationRun): RunStatus;
  setRunStatus(runId: string, status: RunStatus): void;
  /** Adds a new current revision to an asset (e.g. to mimic "New Asset Version Available"); returns it. */
  addRevision(domainId: string, assetId: string, revision?: string): string;
  countsByOperation(): Partial<Record<DataZoneOperation | 'Unknown', number>>;
  summary(): DataZoneSummary;
  /** Forgets requests, runs and client tokens (the catalog's added revisions stay). */
  reset(): void;
}

// ---------------------------------------------------------------------------------------------------------------
// Constraints from the service model

const DOMAIN_ID = /^dzd[-_][a-zA-Z0-9_-]{1,36}$/;
const PROJECT_ID = /^[a-zA-Z0-9_-]{1,36}$/;
const ASSET_ID = /^[a-zA-Z0-9_-]{1,36}$/;
const RUN_ID = /^[a-zA-Z0-9_-]{1,36}$/;
const CLIENT_TOKEN = /^[\x21-\x7E]+$/;

class ApiError extends Error {
  constructor(
    readonly errorName: DataZoneErrorName | 'UnknownOperationException',
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return this.errorName === 'UnknownOperationException' ? 404 : DATAZONE_ERROR_STATUS[this.errorName];
  }
}

const quote = (v: unknown): string => (v === undefined || v === null ? 'null' : `'${String(v)}'`);
const patternProblem = (field: string, v: unknown, re: RegExp): string =>
  `Value ${quote(v)} at '${field}' failed to satisfy constraint: ` +
  `Member must satisfy regular expression pattern: ${re.source}`;
const lengthProblem = (field: string, v: unknown, min: number, max: number): string =>
  `Value ${quote(v)} at '${field}' failed to satisfy constraint: Member must have length between ${min} and ${max}`;
const nullProblem = (field: string): string =>
  `Value null at '${field}' failed to satisfy constraint: Member must not be null`;
const enumProblem = (field: string, v: unknown, values: readonly string[]): string =>
  `Value ${quote(v)} at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`;
const typeProblem = (field: string, v: unknown, expected: string): string =>
  `Value ${quote(typeof v === 'object' ? JSON.stringify(v) : v)} at '${field}' failed to satisfy constraint: ` +
  `Member must be ${expected}`;

function checkString(
  problems: string[],
  field: string,
  v: unknown,
  rule: { required?: boolean; pattern?: RegExp; min?: number; max?: number },
): v is string {
  if (v === undefined || v === null) {
    if (rule.required) problems.push(nullProblem(field));
    return false;
  }
  if (typeof v !== 'string') {
    problems.push(typeProblem(field, v, 'a string'));
    return false;
  }
  const before = problems.length;
  if (rule.min !== undefined && rule.max !== undefined && (v.length < rule.min || v.length > rule.max)) {
    problems.push(lengthProblem(field, v, rule.min, rule.max));
  }
  if (rule.pattern && !rule.pattern.test(v)) problems.push(patternProblem(field, v, rule.pattern));
  return problems.length === before;
}

function throwIfProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw new ApiError('ValidationException', validationMessage(problems));
}

// ---------------------------------------------------------------------------------------------------------------
// Routing

interface Route {
  operation: DataZoneOperation;
  pathParams: Record<string, string>;
}

const ROUTES: ReadonlyArray<{ method: string; re: RegExp; operation: DataZoneOperation; names: string[] }> = [
  {
    method: 'POST',
    re: /^\/v2\/domains\/([^/]+)\/metadata-generation-runs\/?$/,
    operation: 'StartMetadataGenerationRun',
    names: ['domainIdentifier'],
  },
  {
    method: 'GET',
    re: /^\/v2\/domains\/([^/]+)\/metadata-generation-runs\/?$/,
    operation: 'ListMetadataGenerationRuns',
    names: ['domainIdentifier'],
  },
  {
    method: 'GET',
    re: /^\/v2\/domains\/([^/]+)\/metadata-generation-runs\/([^/]+)$/,
    operation: 'GetMetadataGenerationRun',
    names: ['domainIdentifier', 'identifier'],
  },
  {
    method: 'POST',
    re: /^\/v2\/domains\/([^/]+)\/metadata-generation-runs\/([^/]+)\/cancel$/,
    operation: 'CancelMetadataGenerationRun',
    names: ['domainIdentifier', 'identifier'],
  },
  {
    method: 'GET',
    re: /^\/v2\/domains\/([^/]+)\/assets\/([^/]+)$/,
    operation: 'GetAsset',
    names: ['domainIdentifier', 'identifier'],
  },
];

function route(method: string, path: string): Route | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.re.exec(path);
    if (!m) continue;
    const pathParams: Record<string, string> = {};
    r.names.forEach((name, i) => {
      const segment = m[i + 1] ?? '';
      try {
        pathParams[name] = decodeURIComponent(segment);
      } catch {
        pathParams[name] = segment; // malformed escapes: left as sent, so validation names the field
      }
    });
    return { operation: r.operation, pathParams };
  }
  return undefined;
}

/** The asset a request is about, for forced errors. */
function assetOf(
  operation: DataZoneOperation,
  pathParams: Record<string, string>,
  query: Record<string, string>,
  body: unknown,
) {
  if (operation === 'GetAsset') return pathParams.identifier;
  if (operation === 'ListMetadataGenerationRuns') return query.targetIdentifier;
  if (operation === 'StartMetadataGenerationRun' && isRecord(body) && isRecord(body.target)) {
    const id = body.target.identifier;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The server

export async function startLocalDataZone(options: LocalDataZoneOptions = {}): Promise<LocalDataZone> {
  const catalog = loadCatalog(options.catalog);
  const now = options.now ?? Date.now;
  const seed = options.seed ?? 1;
  const lifecycle = {
    inProgressAfterMs: options.lifecycle?.inProgressAfterMs ?? 50,
    completeAfterMs: options.lifecycle?.completeAfterMs ?? 200,
    finalStatus: options.lifecycle?.finalStatus ?? 'SUCCEEDED',
  };
  const conflictScope = options.conflictScope ?? 'revision';
  const capableTypes = new Set(options.generationCapableTypes ?? DEFAULT_GENERATION_CAPABLE_TYPES);
  const callerId = options.callerId ?? '44f864b8-50a1-70cc-736f-c1f763934ab7';

  // Separate streams, so that turning latency on does not change which requests fail.
  const rng = {
    error: seededRandom(seed ^ 0x9e3779b9),
    drop: seededRandom(seed ^ 0x85ebca6b),
    latency: seededRandom(seed ^ 0xc2b2ae35),
    ids: seededRandom(seed ^ 0x27d4eb2f),
  };

  let faults: DataZoneFaults = { ...options.faults };
  let bucket = { tokens: faults.rateLimit?.burst ?? 0, at: now() };
  let forcedLeft = new Map<string, number>();
  const resetFaultState = () => {
    bucket = { tokens: faults.rateLimit?.burst ?? 0, at: now() };
    forcedLeft = new Map();
  };

  const requests: RecordedRequest[] = [];
  const runs: MetadataGenerationRun[] = [];
  const runsById = new Map<string, MetadataGenerationRun>();
  const runsByToken = new Map<string, { run: MetadataGenerationRun; fingerprint: string }>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const domain = (id: string): CatalogDomain => {
    const d = catalog.domains.find((x) => x.id === id);
    if (!d) throw new ApiError('ResourceNotFoundException', `Domain ${id} not found.`);
    return d;
  };

  const statusOf = (run: MetadataGenerationRun): RunStatus => {
    if (run.statusOverride) return run.statusOverride;
    const age = now() - run.createdAt;
    if (lifecycle.completeAfterMs !== 'never' && age >= lifecycle.completeAfterMs)
      return lifecycle.finalStatus;
    return age >= lifecycle.inProgressAfterMs ? 'IN_PROGRESS' : 'SUBMITTED';
  };
  const isActive = (run: MetadataGenerationRun): boolean => {
    const s = statusOf(run);
    return s === 'SUBMITTED' || s === 'IN_PROGRESS';
  };

  const newRunId = (): string => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    for (;;) {
      let id = '';
      for (let i = 0; i < 14; i++) id += alphabet[Math.floor(rng.ids() * alphabet.length)];
      if (!runsById.has(id)) return id;
    }
  };

  const runItem = (run: MetadataGenerationRun) => ({
    domainId: run.domainId,
    id: run.id,
    owningProjectId: run.owningProjectId,
    target: run.target,
    status: statusOf(run),
    type: run.types[0],
    types: run.types,
    createdAt: run.createdAt / 1000,
    createdBy: run.createdBy,
  });

  // --- operations -----------------------------------------------------------------------------------------------

  function startRun(pathParams: Record<string, string>, body: unknown, rec: RecordedRequest): unknown {
    const problems: string[] = [];
    const domainId = pathParams.domainIdentifier;
    checkString(problems, 'domainIdentifier', domainId, { required: true, pattern: DOMAIN_ID });
    if (!isRecord(body)) throw new ApiError('ValidationException', 'Request body must be a JSON object.');
    const { owningProjectIdentifier: project, target, clientToken } = body;
    checkString(problems, 'owningProjectIdentifier', project, { required: true, pattern: PROJECT_ID });
    if (target === undefined || target === null) problems.push(nullProblem('target'));
    else if (!isRecord(target)) problems.push(typeProblem('target', target, 'a structure'));
    else {
      if (target.type === undefined || target.type === null) problems.push(nullProblem('target.type'));
      else if (target.type !== 'ASSET') problems.push(enumProblem('target.type', target.type, ['ASSET']));
      checkString(problems, 'target.identifier', target.identifier, { required: true });
      checkString(problems, 'target.revision', target.revision, { min: 1, max: 64 });
    }
    // `type` is the deprecated single-valued form; `types` wins when both are present.
    const rawTypes = body.types ?? (body.type === undefined || body.type === null ? undefined : [body.type]);
    const field = body.types === undefined || body.types === null ? 'type' : 'types';
    let types: GenerationType[] = [];
    if (rawTypes === undefined || rawTypes === null) {
      problems.push(`${nullProblem('types')} (one of 'types' or 'type' is required)`);
    } else if (!Array.isArray(rawTypes)) {
      problems.push(typeProblem('types', rawTypes, 'a list'));
    } else if (rawTypes.length < 1 || rawTypes.length > 2) {
      problems.push(
        `Value '[${rawTypes.join(', ')}]' at 'types' failed to satisfy constraint: ` +
          'Member must have length between 1 and 2',
      );
    } else {
      const bad = rawTypes.filter((t) => !(GENERATION_TYPES as readonly unknown[]).includes(t));
      if (bad.length > 0) {
        problems.push(
          `Value '[${rawTypes.join(', ')}]' at '${field}' failed to satisfy constraint: Member must satisfy ` +
            `constraint: [Member must satisfy enum value set: [${GENERATION_TYPES.join(', ')}]]`,
        );
      } else if (new Set(rawTypes).size !== rawTypes.length) {
        problems.push(
          `Value '[${rawTypes.join(', ')}]' at 'types' failed to satisfy constraint: Member must not contain duplicate values`,
        );
      } else types = rawTypes as GenerationType[];
    }
    checkString(problems, 'clientToken', clientToken, {
      required: true,
      min: 1,
      max: 128,
      pattern: CLIENT_TOKEN,
    });
    throwIfProblems(problems);
    const t = target as { type: 'ASSET'; identifier: string; revision?: string };
    const d = domain(domainId as string);

    // Idempotency first: a replay answers with the run it created, whatever happened since.
    const fingerprint = JSON.stringify([project, t.identifier, t.revision ?? null, [...types].sort()]);
    const tokenKey = `${d.id}\u0000${String(clientToken)}`;
    const previous = runsByToken.get(tokenKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new ApiError(
          'ConflictException',
          `Client token '${String(clientToken)}' was already used with different parameters ` +
            `(run ${previous.run.id} for asset ${previous.run.target.identifier} ` +
            `revision ${previous.run.target.revision}).`,
        );
      }
      rec.replayed = true;
      rec.runId = previous.run.id;
      return startOutput(previous.run, statusOf(previous.run));
    }

    if (!d.projects.some((p) => p.id === project)) {
      throw new ApiError(
        'ResourceNotFoundException',
        `Project ${String(project)} not found in domain ${d.id}.`,
      );
    }
    const asset = d.assets.find((a) => a.id === t.identifier);
    if (!asset)
      throw new ApiError('ResourceNotFoundException', `Asset ${t.identifier} not found in domain ${d.id}.`);
    if (asset.owningProjectId !== project) {
      throw new ApiError(
        'ValidationException',
        `owningProjectIdentifier '${String(project)}' does not own asset ${asset.id}: ` +
          `its owning project is ${asset.owningProjectId}.`,
      );
    }
    const current = asset.revisions.at(-1)?.revision ?? '';
    const revision = t.revision ?? current;
    if (!asset.revisions.some((r) => r.revision === revision)) {
      throw new ApiError(
        'ValidationException',
        `target.revision '${revision}' does not exist for asset ${asset.id} ` +
          `(revisions: ${asset.revisions.map((r) => r.revision).join(', ')}).`,
      );
    }
    if (!capableTypes.has(asset.typeIdentifier)) {
      throw new ApiError(
        'ValidationException',
        `Metadata generation is not supported for asset ${asset.id} of type ${asset.typeIdentifier}; ` +
          `supported asset types: ${[...capableTypes].join(', ')}.`,
      );
    }
    if (asset.structuredSchema === false) {
      throw new ApiError(
        'ValidationException',
        `Asset ${asset.id} has no structured schema with valid rows and columns; cannot generate metadata.`,
      );
    }
    const clash = runs.find(
      (r) =>
        r.domainId === d.id &&
        r.target.identifier === asset.id &&
        (conflictScope === 'asset' || r.target.revision === revision) &&
        isActive(r),
    );
    if (clash) {
      throw new ApiError(
        'ConflictException',
        `A metadata generation run (${clash.id}) is already ${statusOf(clash)} for asset ${asset.id} ` +
          `revision ${clash.target.revision}.`,
      );
    }
    const max = faults.maxRunsInProgress;
    if (max !== undefined && runs.filter(isActive).length >= max) {
      throw new ApiError(
        'ServiceQuotaExceededException',
        `Cannot start another metadata generation run: ${max} runs are already in progress (quota).`,
      );
    }
    const run: MetadataGenerationRun = {
      seq: runs.length + 1,
      id: newRunId(),
      domainId: d.id,
      owningProjectId: asset.owningProjectId,
      target: { type: 'ASSET', identifier: asset.id, revision },
      types,
      clientToken: String(clientToken),
      createdAt: now(),
      createdBy: callerId,
    };
    runs.push(run);
    runsById.set(run.id, run);
    runsByToken.set(tokenKey, { run, fingerprint });
    rec.runId = run.id;
    // The service answers a new run with SUBMITTED, whatever the lifecycle says a moment later.
    return startOutput(run, 'SUBMITTED');
  }

  const startOutput = (run: MetadataGenerationRun, status: RunStatus) => ({
    domainId: run.domainId,
    id: run.id,
    status,
    type: run.types[0],
    types: run.types,
    createdAt: run.createdAt / 1000,
    createdBy: run.createdBy,
    owningProjectId: run.owningProjectId,
  });

  function getAsset(pathParams: Record<string, string>, query: Record<string, string>): unknown {
    const problems: string[] = [];
    checkString(problems, 'domainIdentifier', pathParams.domainIdentifier, {
      required: true,
      pattern: DOMAIN_ID,
    });
    checkString(problems, 'identifier', pathParams.identifier, { required: true, pattern: ASSET_ID });
    checkString(problems, 'revision', query.revision, { min: 1, max: 64 });
    throwIfProblems(problems);
    const d = domain(pathParams.domainIdentifier as string);
    const asset = d.assets.find((a) => a.id === pathParams.identifier);
    if (!asset) {
      throw new ApiError(
        'ResourceNotFoundException',
        `Asset ${pathParams.identifier} not found in domain ${d.id}.`,
      );
    }
    const rev =
      query.revision === undefined
        ? asset.revisions.at(-1)
        : asset.revisions.find((r) => r.revision === query.revision);
    if (!rev) {
      throw new ApiError(
        'ResourceNotFoundException',
        `Revision ${query.revision} of asset ${asset.id} not found.`,
      );
    }
    const first = asset.revisions[0] ?? rev;
    return {
      id: asset.id,
      name: asset.name,
      typeIdentifier: asset.typeIdentifier,
      typeRevision: asset.typeRevision ?? '1',
      revision: rev.revision,
      owningProjectId: asset.owningProjectId,
      domainId: d.id,
      ...(asset.description === undefined ? {} : { description: asset.description }),
      ...(asset.externalIdentifier === undefined ? {} : { externalIdentifier: asset.externalIdentifier }),
      createdAt: Date.parse(rev.createdAt) / 1000,
      createdBy: callerId,
      firstRevisionCreatedAt: Date.parse(first.createdAt) / 1000,
      firstRevisionCreatedBy: callerId,
      glossaryTerms: [],
      formsOutput: [],
      readOnlyFormsOutput: [],
    };
  }

  function findRun(pathParams: Record<string, string>): MetadataGenerationRun {
    const problems: string[] = [];
    checkString(problems, 'domainIdentifier', pathParams.domainIdentifier, {
      required: true,
      pattern: DOMAIN_ID,
    });
    checkString(problems, 'identifier', pathParams.identifier, { required: true, pattern: RUN_ID });
    throwIfProblems(problems);
    const d = domain(pathParams.domainIdentifier as string);
    const run = runsById.get(pathParams.identifier as string);
    if (!run || run.domainId !== d.id) {
      throw new ApiError(
        'ResourceNotFoundException',
        `Metadata generation run ${pathParams.identifier} not found in domain ${d.id}.`,
      );
    }
    return run;
  }

  function getRun(pathParams: Record<string, string>): unknown {
    const run = findRun(pathParams);
    const status = statusOf(run);
    const done = status !== 'SUBMITTED' && status !== 'IN_PROGRESS';
    return { ...runItem(run), ...(done ? { typeStats: run.types.map((type) => ({ type, status })) } : {}) };
  }

  function cancelRun(pathParams: Record<string, string>): unknown {
    const run = findRun(pathParams);
    if (!isActive(run)) {
      throw new ApiError(
        'ConflictException',
        `Metadata generation run ${run.id} is ${statusOf(run)}; cannot cancel.`,
      );
    }
    run.statusOverride = 'CANCELED';
    return {};
  }

  function listRuns(pathParams: Record<string, string>, query: Record<string, string>): unknown {
    const problems: string[] = [];
    checkString(problems, 'domainIdentifier', pathParams.domainIdentifier, {
      required: true,
      pattern: DOMAIN_ID,
    });
    if (query.status !== undefined && !(RUN_STATUSES as readonly string[]).includes(query.status)) {
      problems.push(enumProblem('status', query.status, RUN_STATUSES));
    }
    if (query.type !== undefined && !(GENERATION_TYPES as readonly string[]).includes(query.type)) {
      problems.push(enumProblem('type', query.type, GENERATION_TYPES));
    }
    let maxResults = 50;
    if (query.maxResults !== undefined) {
      maxResults = Number(query.maxResults);
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50) {
        problems.push(
          `Value ${quote(query.maxResults)} at 'maxResults' failed to satisfy constraint: ` +
            'Member must have value between 1 and 50',
        );
      }
    }
    // The token is the seq of the last run returned: stable while new runs arrive.
    let after = 0;
    if (query.nextToken !== undefined) {
      after = Number(
        Buffer.from(query.nextToken, 'base64url')
          .toString('utf8')
          .replace(/^runs:/, ''),
      );
      if (!Number.isInteger(after) || after < 0) {
        problems.push(
          `Value ${quote(query.nextToken)} at 'nextToken' failed to satisfy constraint: invalid token`,
        );
      }
    }
    throwIfProblems(problems);
    const d = domain(pathParams.domainIdentifier as string);
    const matching = runs.filter(
      (r) =>
        r.domainId === d.id &&
        r.seq > after &&
        (query.status === undefined || statusOf(r) === query.status) &&
        (query.type === undefined || (r.types as string[]).includes(query.type)) &&
        (query.targetIdentifier === undefined || r.target.identifier === query.targetIdentifier),
    );
    const page = matching.slice(0, maxResults);
    const last = page.at(-1);
    const more = matching.length > page.length && last !== undefined;
    return {
      items: page.map(runItem),
      ...(more ? { nextToken: Buffer.from(`runs:${last.seq}`).toString('base64url') } : {}),
    };
  }

  // --- fault helpers --------------------------------------------------------------------------------------------

  const takeToken = (operation: DataZoneOperation): boolean => {
    const limit = faults.rateLimit;
    if (!limit || (limit.operations && !limit.operations.includes(operation))) return true;
    const t = now();
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.requestsPerSecond);
    bucket.at = t;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const randomFaultsApply = (operation: DataZoneOperation): boolean =>
    !faults.operations || faults.operations.includes(operation);

  const latencyFor = (operation: DataZoneOperation): number => {
    const l = faults.latencyMs;
    if (l === undefined || !randomFaultsApply(operation)) return 0;
    if (typeof l === 'number') return l;
    return Math.round(l.min + rng.latency() * (l.max - l.min));
  };

  /** Applies a forced error spec, honouring `times`; returns the error to throw, if any. */
  const forced = (key: string, spec: ErrorSpec | undefined): ApiError | undefined => {
    if (spec === undefined) return undefined;
    const s = typeof spec === 'string' ? { name: spec } : spec;
    if (s.times !== undefined) {
      const left = forcedLeft.get(key) ?? s.times;
      if (left <= 0) return undefined;
      forcedLeft.set(key, left - 1);
    }
    return new ApiError(s.name, s.message ?? `Forced ${s.name} (local fault injection).`);
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });

  // --- request handling -----------------------------------------------------------------------------------------

  const send = (
    res: ServerResponse,
    rec: RecordedRequest,
    status: number,
    payload: unknown,
    error?: ApiError,
  ) => {
    rec.status = status;
    rec.respondedAt = now();
    if (error) {
      rec.errorName = error.errorName;
      rec.errorMessage = error.message;
    }
    if (res.destroyed) return;
    const body = JSON.stringify(payload);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': `local-${rec.seq}`,
    };
    if (error) headers['x-amzn-errortype'] = error.errorName;
    res.writeHead(status, headers).end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const raw = await readBody(req);
    let body: unknown;
    const rec: RecordedRequest = {
      seq: ++seq,
      operation: 'Unknown',
      method: req.method ?? 'GET',
      path: url.pathname,
      pathParams: {},
      query,
      body: undefined,
      dropped: false,
      receivedAt: now(),
    };
    requests.push(rec);
    try {
      body = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
      rec.body = body;
    } catch {
      send(
        res,
        rec,
        400,
        { message: 'Request body is not valid JSON.' },
        new ApiError('ValidationException', 'Request body is not valid JSON.'),
      );
      return;
    }
    const r = route(rec.method, url.pathname);
    if (!r) {
      const err = new ApiError(
        'UnknownOperationException',
        `No local operation for ${rec.method} ${url.pathname}.`,
      );
      send(res, rec, err.status, { message: err.message }, err);
      return;
    }
    rec.operation = r.operation;
    rec.pathParams = r.pathParams;

    if (randomFaultsApply(r.operation) && (faults.dropRate ?? 0) > 0 && rng.drop() < (faults.dropRate ?? 0)) {
      rec.dropped = true;
      rec.respondedAt = now();
      req.socket.destroy();
      return;
    }
    const throttled = !takeToken(r.operation);
    const delay = latencyFor(r.operation);
    if (delay > 0) await sleep(delay);
    try {
      if (throttled) throw new ApiError('ThrottlingException', 'Rate exceeded (local token bucket).');
      const asset = assetOf(r.operation, r.pathParams, query, body);
      const byAsset = asset === undefined ? undefined : forced(`asset:${asset}`, faults.forceErrors?.[asset]);
      if (byAsset) throw byAsset;
      const hooked = faults.hook?.({ operation: r.operation, pathParams: r.pathParams, query, body });
      if (hooked === 'drop') {
        rec.dropped = true;
        rec.respondedAt = now();
        req.socket.destroy();
        return;
      }
      const byHook = forced(`hook:${rec.seq}`, hooked);
      if (byHook) throw byHook;
      const rate = faults.internalErrorRate ?? 0;
      if (randomFaultsApply(r.operation) && rate > 0 && rng.error() < rate) {
        throw new ApiError('InternalServerException', 'Internal error (local fault injection).');
      }
      let out: unknown;
      switch (r.operation) {
        case 'StartMetadataGenerationRun':
          out = startRun(r.pathParams, body, rec);
          break;
        case 'GetAsset':
          out = getAsset(r.pathParams, query);
          break;
        case 'GetMetadataGenerationRun':
          out = getRun(r.pathParams);
          break;
        case 'ListMetadataGenerationRuns':
          out = listRuns(r.pathParams, query);
          break;
        case 'CancelMetadataGenerationRun':
          out = cancelRun(r.pathParams);
          break;
      }
      send(res, rec, 200, out);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('InternalServerException', String(e));
      send(res, rec, err.status, { message: err.message }, err);
    }
  }

  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'InternalServerException',
        });
        res.end(JSON.stringify({ message: String(e) }));
      }
    });
  });
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');

  const countsByOperation = () => {
    const counts: Partial<Record<DataZoneOperation | 'Unknown', number>> = {};
    for (const r of requests) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
    return counts;
  };

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    catalog,
    requests,
    runs,
    get faults() {
      return faults;
    },
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      await closeServer(server);
    },
    setFaults(next) {
      faults = { ...faults, ...next };
      resetFaultState();
    },
    clearFaults() {
      faults = {};
      resetFaultState();
    },
    runsFor(domainId, assetId, revision) {
      return runs.filter(
        (r) =>
          r.domainId === domainId &&
          r.target.identifier === assetId &&
          (revision === undefined || r.target.revision === revision),
      );
    },
    statusOf,
    setRunStatus(runId, status) {
      const run = runsById.get(runId);
      if (!run) throw new Error(`no run ${runId}`);
      run.statusOverride = status;
    },
    addRevision(domainId, assetId, revision) {
      const asset = catalog.domains.find((d) => d.id === domainId)?.assets.find((a) => a.id === assetId);
      if (!asset) throw new Error(`no asset ${assetId} in ${domainId}`);
      const next =
        revision ?? String(Math.max(0, ...asset.revisions.map((r) => Number(r.revision) || 0)) + 1);
      asset.revisions.push({ revision: next, createdAt: new Date(now()).toISOString() });
      return next;
    },
    countsByOperation,
    summary() {
      const byStatus: Record<string, number> = {};
      const byError: Record<string, number> = {};
      for (const r of requests) {
        const key = r.dropped ? 'dropped' : String(r.status ?? 'pending');
        byStatus[key] = (byStatus[key] ?? 0) + 1;
        if (r.errorName) byError[r.errorName] = (byError[r.errorName] ?? 0) + 1;
      }
      return {
        requests: requests.length,
        byOperation: countsByOperation(),
        byStatus,
        byError,
        dropped: requests.filter((r) => r.dropped).length,
        runs: runs.length,
        replays: requests.filter((r) => r.replayed).length,
      };
    },
    reset() {
      requests.length = 0;
      runs.length = 0;
      runsById.clear();
      runsByToken.clear();
      resetFaultState();
    },
  };
}
