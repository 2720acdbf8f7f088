/** The reconciler's configuration from its environment: defaults, every variable, and every problem at once. */
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/runtime/env-reader.js';
import { loadReconcilerConfig } from '../../src/runtime/reconciler-config.js';

const SOURCE = 'https://sqs.eu-west-1.amazonaws.com/111111111111/source';
const SWEEP = 'http://localhost:9324/000000000000/sweep';
const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
/** What every deployment with a reconciler sets. */
const REQUIRED = { RECONCILE_DOMAIN_IDS: DOMAIN, SOURCE_QUEUE_URL: SOURCE, SWEEP_QUEUE_URL: SWEEP };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadReconcilerConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadReconcilerConfig', () => {
  it('needs the domains and both queues, and applies the documented defaults', () => {
    const rate = { ratePerSecond: 1, burst: 1 };
    expect(loadReconcilerConfig(REQUIRED)).toEqual({
      serviceName: 'datazone-metagen-reconciler',
      metricsNamespace: 'DataZoneMetagenWorker',
      domainIds: [DOMAIN],
      owningProjectId: undefined,
      publishedOnly: false,
      sourceQueueUrl: SOURCE,
      sweepQueueUrl: SWEEP,
      rates: {
        GetAsset: rate,
        StartMetadataGenerationRun: rate,
        ListMetadataGenerationRuns: rate,
        GetMetadataGenerationRun: rate,
        Search: rate,
      },
      requestsPerSecond: 1,
      requestTimeoutMs: 10_000,
      deadlineSafetyMarginMs: 3000,
      worker: {
        generationTypes: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
        supportedAssetTypes: new Set([
          'amazon.datazone.GlueTableAssetType',
          'amazon.datazone.RedshiftTableAssetType',
        ]),
        maxRunAttempts: 3,
        runRetryBaseSeconds: 300,
      },
    });
  });

  it('reads every variable it documents, and the worker’s settings as the worker reads them', () => {
    const config = loadReconcilerConfig({
      ...REQUIRED,
      RECONCILE_DOMAIN_IDS: `${DOMAIN}, dzd-7ttq4pj2fcnl0m`,
      POWERTOOLS_SERVICE_NAME: 'reconciler-staging',
      POWERTOOLS_METRICS_NAMESPACE: 'MetagenStaging',
      RECONCILE_PROJECT_ID: 'b3x7mz1q9w2k4e',
      RECONCILE_PUBLISHED_ONLY: 'true',
      DATAZONE_REQUEST_TIMEOUT_MS: '2500',
      DEADLINE_SAFETY_MARGIN_MS: '0',
      GENERATION_TYPES: 'BUSINESS_NAMES',
      SUPPORTED_ASSET_TYPES: 'custom.Table',
      MAX_RUN_ATTEMPTS: '5',
      RUN_RETRY_BASE_SECONDS: '60',
    });
    expect(config).toMatchObject({
      serviceName: 'reconciler-staging',
      metricsNamespace: 'MetagenStaging',
      domainIds: [DOMAIN, 'dzd-7ttq4pj2fcnl0m'],
      owningProjectId: 'b3x7mz1q9w2k4e',
      publishedOnly: true,
      requestTimeoutMs: 2500,
      deadlineSafetyMarginMs: 0,
      worker: {
        generationTypes: ['BUSINESS_NAMES'],
        supportedAssetTypes: new Set(['custom.Table']),
        maxRunAttempts: 5,
        runRetryBaseSeconds: 60,
      },
    });
  });

  it('estimates a page at the slowest operation a sweep calls, each of them', () => {
    for (const operation of [
      'SEARCH',
      'GET_ASSET',
      'LIST_METADATA_GENERATION_RUNS',
      'GET_METADATA_GENERATION_RUN',
    ]) {
      const config = loadReconcilerConfig({
        ...REQUIRED,
        SWEEP_REQUESTS_PER_SECOND: '4',
        [`SWEEP_REQUESTS_PER_SECOND_${operation}`]: '0.25',
      });
      expect(config.requestsPerSecond).toBe(0.25);
    }
  });

  it('reports a bad request timeout or deadline margin once, as the worker reads them', () => {
    expect(
      problemsOf({ ...REQUIRED, DATAZONE_REQUEST_TIMEOUT_MS: '50', DEADLINE_SAFETY_MARGIN_MS: '-1' }),
    ).toEqual([
      'DATAZONE_REQUEST_TIMEOUT_MS must be an integer from 100 to 900000, got "50"',
      'DEADLINE_SAFETY_MARGIN_MS must be an integer from 0 to 900000, got "-1"',
    ]);
  });

  it('takes only http(s) URLs as queue URLs', () => {
    expect(
      problemsOf({ ...REQUIRED, SOURCE_QUEUE_URL: 'xhttps://sqs.eu-west-1.amazonaws.com/1/source' }),
    ).toEqual([
      'SOURCE_QUEUE_URL must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name, got "xhttps://sqs.eu-west-1.amazonaws.com/1/source"',
    ]);
  });

  it('takes RECONCILE_PUBLISHED_ONLY as true or false only', () => {
    const publishedOnly = (value: string) =>
      loadReconcilerConfig({ ...REQUIRED, RECONCILE_PUBLISHED_ONLY: value }).publishedOnly;
    expect([publishedOnly('true'), publishedOnly('false'), publishedOnly(' ')]).toEqual([true, false, false]);
    expect(problemsOf({ ...REQUIRED, RECONCILE_PUBLISHED_ONLY: 'yes' })).toEqual([
      'RECONCILE_PUBLISHED_ONLY must be true or false, got "yes"',
    ]);
  });

  it('reports every problem at once, its own and the worker’s settings’', () => {
    expect(
      problemsOf({
        RECONCILE_DOMAIN_IDS: 'prod, dzd_ok, test',
        SOURCE_QUEUE_URL: 'source',
        SWEEP_QUEUE_URL: 'ftp://sqs.eu-west-1.amazonaws.com/1/sweep',
        GENERATION_TYPES: 'SUMMARIES',
      }),
    ).toEqual([
      'RECONCILE_DOMAIN_IDS: invalid domain ids: prod, test',
      'SOURCE_QUEUE_URL must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name, got "source"',
      'SWEEP_QUEUE_URL must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name, got "ftp://sqs.eu-west-1.amazonaws.com/1/sweep"',
      expect.stringMatching(/^GENERATION_TYPES must be .*; unknown: SUMMARIES$/),
    ]);
    expect(problemsOf({ ...REQUIRED, MAX_RUN_ATTEMPTS: '11' })).toEqual([
      'MAX_RUN_ATTEMPTS must be an integer from 1 to 10, got "11"',
    ]);
    const { RECONCILE_DOMAIN_IDS: _domains, ...withoutDomains } = REQUIRED;
    expect(problemsOf(withoutDomains)).toEqual([
      'RECONCILE_DOMAIN_IDS must name at least one domain (dzd_…)',
    ]);
    expect(problemsOf({ ...REQUIRED, RECONCILE_DOMAIN_IDS: ' , ' })).toEqual([
      'RECONCILE_DOMAIN_IDS must name at least one domain (dzd_…)',
    ]);
  });
});
