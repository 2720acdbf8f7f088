/**
 * Environment → typed configuration, parsed once at cold start.
 *
 * Every problem is reported at once, each naming the variable and what it expects, so a bad deployment fails on
 * its first invocation with one readable message instead of misbehaving record by record.
 * AWS endpoints, region, credentials and SDK retry settings are deliberately absent: the SDK reads its own standard
 * variables (AWS_REGION, AWS_ENDPOINT_URL_DATAZONE, AWS_ENDPOINT_URL_SQS, AWS_MAX_ATTEMPTS, …; the retry mode is pinned to standard).
 */

import { DOMAIN_ID_PATTERN } from '../core/asset-event.js';
import {
  type BackoffSchedules,
  type BackoffSettings,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
} from '../core/backoff.js';
import { GENERATION_TYPES, type GenerationType } from '../core/generation-types.js';
import DEFAULTS from './defaults.json' with { type: 'json' };
import { ConfigurationError, type Env, EnvReader } from './env-reader.js';
import {
  type OperationRates,
  readOperationRates,
  WORKER_OPERATIONS,
  type WorkerOperation,
} from './operation-rates.js';

export interface WorkerConfig {
  /** Powertools service name: the `service` key of every log line and the metrics' service dimension. */
  readonly serviceName: string;
  /** CloudWatch namespace of the worker's EMF metrics. */
  readonly metricsNamespace: string;
  /** Queue that receives permanently failing messages, unchanged, with the reason as attributes. */
  readonly deadLetterQueueUrl: string;
  /** Sorted, distinct, 1–3 values: what is generated for each revision (in runs of at most two types). */
  readonly generationTypes: readonly GenerationType[];
  /** Runs per (revision, generation group), the first included: a failed run is started again up to this. */
  readonly maxRunAttempts: number;
  /** Seconds before the second attempt of a failed run; doubled for each further one. */
  readonly runRetryBaseSeconds: number;
  readonly handledDetailTypes: ReadonlySet<string>;
  readonly supportedAssetTypes: ReadonlySet<string>;
  /** Empty: events of every domain are handled. */
  readonly domainIds: ReadonlySet<string>;
  /** How many records of one batch are processed at the same time. */
  readonly recordConcurrency: number;
  /**
   * Each DataZone operation's rate from one container (its token bucket): DATAZONE_REQUESTS_PER_SECOND_<OPERATION>,
   * else DATAZONE_REQUESTS_PER_SECOND; burst DATAZONE_BURST, else 50 ms' worth of the operation's rate.
   */
  readonly datazoneRates: OperationRates<WorkerOperation>;
  /** A record whose request slots end further away is handed back to wait in the queue, not in Lambda. */
  readonly maxSlotWaitMs: number;
  /** Per-attempt HTTP timeout for DataZone calls. */
  readonly datazoneRequestTimeoutMs: number;
  /** Short: RETRY_BACKOFF_* (throttles, transient faults); long: QUOTA_BACKOFF_* (quotas, another revision's run). */
  readonly backoff: BackoffSchedules;
  /** Records not finished this long before the Lambda timeout are handed back instead of being cut off. */
  readonly deadlineSafetyMarginMs: number;
}

function parseGenerationTypes(reader: EnvReader): GenerationType[] {
  const name = 'GENERATION_TYPES';
  const values = reader.list(name, DEFAULTS.generationTypes);
  const known = new Set<string>(GENERATION_TYPES);
  const unknown = values.filter((value) => !known.has(value));
  const distinct = [...new Set(values)].sort() as GenerationType[];
  const expected = `1 to 3 distinct values of ${GENERATION_TYPES.join(', ')}, comma-separated`;
  if (unknown.length > 0) {
    reader.problems.push(`${name} must be ${expected}; unknown: ${unknown.join(', ')}`);
  } else if (distinct.length !== values.length || distinct.length < 1) {
    reader.problems.push(`${name} must be ${expected}, got "${values.join(',')}"`);
  }
  return distinct;
}

function parseBackoff(reader: EnvReader, prefix: string, fallback: BackoffSettings): BackoffSettings {
  const limit = MAX_VISIBILITY_TIMEOUT_SECONDS;
  const baseSeconds = reader.integer(`${prefix}_BASE_SECONDS`, fallback.baseSeconds, 1, limit);
  const maxSeconds = reader.integer(`${prefix}_MAX_SECONDS`, fallback.maxSeconds, 1, limit);
  if (maxSeconds < baseSeconds) {
    reader.problems.push(
      `${prefix}_MAX_SECONDS (${maxSeconds}) must be at least ${prefix}_BASE_SECONDS (${baseSeconds})`,
    );
  }
  return { baseSeconds, maxSeconds };
}

export function loadConfig(env: Env = process.env): WorkerConfig {
  const reader = new EnvReader(env);
  const deadLetterQueueUrl = reader.requiredQueueUrl('DEAD_LETTER_QUEUE_URL');
  const generationTypes = parseGenerationTypes(reader);
  const handledDetailTypes = reader.list('HANDLED_DETAIL_TYPES', DEFAULTS.handledDetailTypes);
  if (handledDetailTypes.length === 0)
    reader.problems.push('HANDLED_DETAIL_TYPES must name at least one detail-type');
  const supportedAssetTypes = reader.list('SUPPORTED_ASSET_TYPES', DEFAULTS.supportedAssetTypes);
  if (supportedAssetTypes.length === 0)
    reader.problems.push('SUPPORTED_ASSET_TYPES must name at least one asset type');
  const domainIds = reader.list('DOMAIN_IDS', []);
  const badDomains = domainIds.filter((id) => !DOMAIN_ID_PATTERN.test(id));
  if (badDomains.length > 0) {
    reader.problems.push(
      `DOMAIN_IDS must be DataZone domain ids (dzd_…), comma-separated; invalid: ${badDomains.join(', ')}`,
    );
  }

  const config: WorkerConfig = {
    serviceName: reader.string('POWERTOOLS_SERVICE_NAME', 'datazone-metagen-worker'),
    metricsNamespace: reader.string('POWERTOOLS_METRICS_NAMESPACE', 'DataZoneMetagenWorker'),
    deadLetterQueueUrl,
    generationTypes,
    maxRunAttempts: reader.integer('MAX_RUN_ATTEMPTS', DEFAULTS.maxRunAttempts, 1, 10),
    runRetryBaseSeconds: reader.integer('RUN_RETRY_BASE_SECONDS', DEFAULTS.runRetryBaseSeconds, 1, 21_600),
    handledDetailTypes: new Set(handledDetailTypes),
    supportedAssetTypes: new Set(supportedAssetTypes),
    domainIds: new Set(domainIds),
    recordConcurrency: reader.integer('RECORD_CONCURRENCY', 10, 1, 1000),
    datazoneRates: readOperationRates(reader, WORKER_OPERATIONS, {
      prefix: 'DATAZONE_REQUESTS_PER_SECOND',
      defaultRate: 2,
      burstVariable: 'DATAZONE_BURST',
    }),
    maxSlotWaitMs: reader.integer('MAX_SLOT_WAIT_MS', DEFAULTS.maxSlotWaitMs, 0, 900_000),
    datazoneRequestTimeoutMs: reader.integer('DATAZONE_REQUEST_TIMEOUT_MS', 10_000, 100, 900_000),
    backoff: {
      short: parseBackoff(reader, 'RETRY_BACKOFF', DEFAULTS.retryBackoff),
      long: parseBackoff(reader, 'QUOTA_BACKOFF', DEFAULTS.quotaBackoff),
    },
    deadlineSafetyMarginMs: reader.integer('DEADLINE_SAFETY_MARGIN_MS', 3000, 0, 900_000),
  };
  const longestRunWait = config.runRetryBaseSeconds * 2 ** Math.max(0, config.maxRunAttempts - 2);
  if (longestRunWait > MAX_VISIBILITY_TIMEOUT_SECONDS) {
    reader.problems.push(
      `RUN_RETRY_BASE_SECONDS × 2^(MAX_RUN_ATTEMPTS - 2) must be at most ${MAX_VISIBILITY_TIMEOUT_SECONDS} s (what one ` +
        `hand-back to the queue can wait), got ${longestRunWait} s`,
    );
  }
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return config;
}
