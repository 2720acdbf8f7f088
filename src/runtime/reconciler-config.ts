/** The reconciler's environment → typed configuration, every problem reported at once (as the worker's). */
import { DOMAIN_ID_PATTERN } from '../core/asset-event.js';
import { loadConfig, type WorkerConfig } from './config.js';
import { ConfigurationError, type Env, EnvReader } from './env-reader.js';
import {
  type OperationRates,
  readOperationRates,
  SWEEP_OPERATIONS,
  type SweepOperation,
} from './operation-rates.js';

export interface ReconcilerConfig {
  readonly serviceName: string;
  readonly metricsNamespace: string;
  /** The domains a scheduled sweep covers. */
  readonly domainIds: readonly string[];
  /** Only this project's assets, when set. */
  readonly owningProjectId: string | undefined;
  readonly publishedOnly: boolean;
  /** Where the found revisions' events go: the worker's source queue. */
  readonly sourceQueueUrl: string;
  /** Where the reconciler hands itself the rest of a sweep: its own queue. */
  readonly sweepQueueUrl: string;
  /**
   * The sweep's share of the account's budget of each DataZone operation, per second (burst 1):
   * SWEEP_REQUESTS_PER_SECOND_<OPERATION>, else SWEEP_REQUESTS_PER_SECOND.
   */
  readonly rates: OperationRates<SweepOperation>;
  /** The slowest of those a sweep calls: what a page's duration is estimated at. */
  readonly requestsPerSecond: number;
  readonly requestTimeoutMs: number;
  readonly deadlineSafetyMarginMs: number;
  /** What the worker would start: its generation types and the asset types it supports. */
  readonly worker: Pick<
    WorkerConfig,
    'generationTypes' | 'supportedAssetTypes' | 'maxRunAttempts' | 'runRetryBaseSeconds'
  >;
}

/** What a sweep calls: a start's bucket exists only because a GetAsset reserves its record's start with it. */
const SWEEP_CALLS = ['Search', 'GetAsset', 'ListMetadataGenerationRuns', 'GetMetadataGenerationRun'] as const;

export function loadReconcilerConfig(env: Env = process.env): ReconcilerConfig {
  const reader = new EnvReader(env);
  const domainIds = reader.list('RECONCILE_DOMAIN_IDS', []);
  if (domainIds.length === 0)
    reader.problems.push('RECONCILE_DOMAIN_IDS must name at least one domain (dzd_…)');
  const invalid = domainIds.filter((id) => !DOMAIN_ID_PATTERN.test(id));
  if (invalid.length > 0)
    reader.problems.push(`RECONCILE_DOMAIN_IDS: invalid domain ids: ${invalid.join(', ')}`);
  const publishedOnly = reader.string('RECONCILE_PUBLISHED_ONLY', 'false');
  if (publishedOnly !== 'true' && publishedOnly !== 'false') {
    reader.problems.push(`RECONCILE_PUBLISHED_ONLY must be true or false, got "${publishedOnly}"`);
  }
  const sourceQueueUrl = reader.requiredQueueUrl('SOURCE_QUEUE_URL');
  const sweepQueueUrl = reader.requiredQueueUrl('SWEEP_QUEUE_URL');
  const rates = readOperationRates(reader, SWEEP_OPERATIONS, {
    prefix: 'SWEEP_REQUESTS_PER_SECOND',
    defaultRate: 1,
    burst: 1,
  });
  const config: ReconcilerConfig = {
    serviceName: reader.string('POWERTOOLS_SERVICE_NAME', 'datazone-metagen-reconciler'),
    metricsNamespace: reader.string('POWERTOOLS_METRICS_NAMESPACE', 'DataZoneMetagenWorker'),
    domainIds,
    owningProjectId: reader.string('RECONCILE_PROJECT_ID', '') || undefined,
    publishedOnly: publishedOnly === 'true',
    sourceQueueUrl,
    sweepQueueUrl,
    rates,
    requestsPerSecond: Math.min(...SWEEP_CALLS.map((operation) => rates[operation].ratePerSecond)),
    ...workerSettings(env, reader),
  };
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return config;
}

type SharedWithWorker = Pick<ReconcilerConfig, 'requestTimeoutMs' | 'deadlineSafetyMarginMs' | 'worker'>;

/** What a failed reading returns: never read, the problems it collected make loadReconcilerConfig throw. */
// Stryker disable ObjectLiteral,ArrayDeclaration: never read (above)
const NOT_READ: SharedWithWorker = {
  requestTimeoutMs: 0,
  deadlineSafetyMarginMs: 0,
  worker: { generationTypes: [], supportedAssetTypes: new Set(), maxRunAttempts: 1, runRetryBaseSeconds: 1 },
};
// Stryker restore ObjectLiteral,ArrayDeclaration

/**
 * The worker's own reading of the settings both functions share (request timeout, deadline margin, generation,
 * asset types, run retries), so that both judge alike and a bad value is reported once.
 */
function workerSettings(env: Env, reader: EnvReader): SharedWithWorker {
  try {
    const worker = loadConfig({ ...env, DEAD_LETTER_QUEUE_URL: 'https://unused.invalid/q' });
    const { generationTypes, supportedAssetTypes, maxRunAttempts, runRetryBaseSeconds } = worker;
    return {
      requestTimeoutMs: worker.datazoneRequestTimeoutMs,
      deadlineSafetyMarginMs: worker.deadlineSafetyMarginMs,
      worker: { generationTypes, supportedAssetTypes, maxRunAttempts, runRetryBaseSeconds },
    };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    reader.problems.push(...error.problems);
    return NOT_READ;
  }
}
