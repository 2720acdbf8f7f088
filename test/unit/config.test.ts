import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import { ConfigurationError } from '../../src/runtime/env-reader.js';

const DLQ = 'https://sqs.eu-west-1.amazonaws.com/111111111111/metagen-dlq';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadConfig', () => {
  it('needs only DEAD_LETTER_QUEUE_URL and applies the documented defaults', () => {
    const config = loadConfig({ DEAD_LETTER_QUEUE_URL: DLQ });
    expect(config).toEqual({
      serviceName: 'datazone-metagen-worker',
      metricsNamespace: 'DataZoneMetagenWorker',
      deadLetterQueueUrl: DLQ,
      generationTypes: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
      handledDetailTypes: new Set([
        'Asset Added To Inventory',
        'Asset Added To Catalog',
        'New Asset Version Available',
      ]),
      supportedAssetTypes: new Set([
        'amazon.datazone.GlueTableAssetType',
        'amazon.datazone.RedshiftTableAssetType',
      ]),
      domainIds: new Set(),
      recordConcurrency: 10,
      datazoneRates: {
        GetAsset: { ratePerSecond: 2, burst: 1 },
        StartMetadataGenerationRun: { ratePerSecond: 2, burst: 1 },
        ListMetadataGenerationRuns: { ratePerSecond: 2, burst: 1 },
        GetMetadataGenerationRun: { ratePerSecond: 2, burst: 1 },
      },
      datazoneRequestTimeoutMs: 10_000,
      backoff: {
        short: { baseSeconds: 10, maxSeconds: 900 },
        long: { baseSeconds: 60, maxSeconds: 3600 },
      },
      deadlineSafetyMarginMs: 3000,
      maxRunAttempts: 3,
      maxSlotWaitMs: 5000,
      runRetryBaseSeconds: 300,
    });
  });

  it('fails without DEAD_LETTER_QUEUE_URL, naming it and what it expects', () => {
    expect(() => loadConfig({})).toThrow(ConfigurationError);
    expect(problemsOf({})).toEqual([
      'DEAD_LETTER_QUEUE_URL is required: expected an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name',
    ]);
    expect(problemsOf({ DEAD_LETTER_QUEUE_URL: '   ' })[0]).toMatch(/^DEAD_LETTER_QUEUE_URL is required/);
    expect(problemsOf({ DEAD_LETTER_QUEUE_URL: 'metagen-dlq' })[0]).toMatch(
      /^DEAD_LETTER_QUEUE_URL must be an SQS queue URL .*, got "metagen-dlq"$/,
    );
  });

  it('parses GENERATION_TYPES as a sorted set of 1–3 known values', () => {
    const types = (value: string) =>
      loadConfig({ DEAD_LETTER_QUEUE_URL: DLQ, GENERATION_TYPES: value }).generationTypes;
    expect(types('BUSINESS_NAMES')).toEqual(['BUSINESS_NAMES']);
    expect(types(' BUSINESS_NAMES , BUSINESS_GLOSSARY_ASSOCIATIONS ')).toEqual([
      'BUSINESS_GLOSSARY_ASSOCIATIONS',
      'BUSINESS_NAMES',
    ]);
    expect(types('BUSINESS_NAMES,BUSINESS_GLOSSARY_ASSOCIATIONS,BUSINESS_DESCRIPTIONS')).toEqual([
      'BUSINESS_DESCRIPTIONS',
      'BUSINESS_GLOSSARY_ASSOCIATIONS',
      'BUSINESS_NAMES',
    ]);
  });

  it('refuses run retries whose last wait one hand-back to the queue cannot hold', () => {
    expect(
      problemsOf({ DEAD_LETTER_QUEUE_URL: DLQ, MAX_RUN_ATTEMPTS: '10', RUN_RETRY_BASE_SECONDS: '21600' }),
    ).toEqual([
      expect.stringMatching(/^RUN_RETRY_BASE_SECONDS × 2\^\(MAX_RUN_ATTEMPTS - 2\) must be at most 42000 s/),
    ]);
  });

  it('reads MAX_RUN_ATTEMPTS and RUN_RETRY_BASE_SECONDS within their bounds', () => {
    const config = loadConfig({
      DEAD_LETTER_QUEUE_URL: DLQ,
      MAX_RUN_ATTEMPTS: '5',
      RUN_RETRY_BASE_SECONDS: '60',
    });
    expect([config.maxRunAttempts, config.runRetryBaseSeconds]).toEqual([5, 60]);
    expect(
      problemsOf({ DEAD_LETTER_QUEUE_URL: DLQ, MAX_RUN_ATTEMPTS: '0', RUN_RETRY_BASE_SECONDS: '0' }),
    ).toEqual([
      'MAX_RUN_ATTEMPTS must be an integer from 1 to 10, got "0"',
      'RUN_RETRY_BASE_SECONDS must be an integer from 1 to 21600, got "0"',
    ]);
  });

  it.each([
    [
      'BUSINESS_NAMES,BUSINESS_NAMES',
      /^GENERATION_TYPES must be 1 to 3 distinct values .*got "BUSINESS_NAMES,BUSINESS_NAMES"$/,
    ],
    ['SUMMARIES', /^GENERATION_TYPES must be .*; unknown: SUMMARIES$/],
    [',', /^GENERATION_TYPES must be 1 to 3 distinct values .*got ""$/],
  ])('rejects GENERATION_TYPES=%s', (value, message) => {
    expect(problemsOf({ DEAD_LETTER_QUEUE_URL: DLQ, GENERATION_TYPES: value })).toEqual([
      expect.stringMatching(message),
    ]);
  });

  it('defaults DATAZONE_BURST to 50 ms of requests at each operation’s rate, at least 1', () => {
    const burst = (rate: string) =>
      loadConfig({ DEAD_LETTER_QUEUE_URL: DLQ, DATAZONE_REQUESTS_PER_SECOND: rate }).datazoneRates.GetAsset
        .burst;
    expect([burst('0.5'), burst('2'), burst('20'), burst('21'), burst('200')]).toEqual([1, 1, 1, 2, 10]);
    const rates = loadConfig({
      DEAD_LETTER_QUEUE_URL: DLQ,
      DATAZONE_REQUESTS_PER_SECOND: '2',
      DATAZONE_REQUESTS_PER_SECOND_GET_ASSET: '200',
    }).datazoneRates;
    expect([rates.GetAsset.burst, rates.StartMetadataGenerationRun.burst]).toEqual([10, 1]);
    expect(
      loadConfig({ DEAD_LETTER_QUEUE_URL: DLQ, DATAZONE_REQUESTS_PER_SECOND: '200', DATAZONE_BURST: '3' })
        .datazoneRates.StartMetadataGenerationRun.burst,
    ).toBe(3);
  });

  it('gives each DataZone operation its own rate: DATAZONE_REQUESTS_PER_SECOND_<OPERATION>, else the default', () => {
    const { datazoneRates } = loadConfig({
      DEAD_LETTER_QUEUE_URL: DLQ,
      DATAZONE_REQUESTS_PER_SECOND: '3',
      DATAZONE_REQUESTS_PER_SECOND_GET_ASSET: '8',
      DATAZONE_REQUESTS_PER_SECOND_START_METADATA_GENERATION_RUN: '1.5',
      DATAZONE_REQUESTS_PER_SECOND_LIST_METADATA_GENERATION_RUNS: '4',
    });
    expect(Object.entries(datazoneRates).map(([operation, rate]) => [operation, rate.ratePerSecond])).toEqual(
      [
        ['GetAsset', 8],
        ['StartMetadataGenerationRun', 1.5],
        ['ListMetadataGenerationRuns', 4],
        ['GetMetadataGenerationRun', 3],
      ],
    );
    expect(
      loadConfig({ DEAD_LETTER_QUEUE_URL: DLQ }).datazoneRates.GetMetadataGenerationRun.ratePerSecond,
    ).toBe(2);
  });

  it('names the operation’s variable when its rate is invalid', () => {
    expect(
      problemsOf({
        DEAD_LETTER_QUEUE_URL: DLQ,
        DATAZONE_REQUESTS_PER_SECOND_GET_METADATA_GENERATION_RUN: '0',
      }),
    ).toEqual([
      'DATAZONE_REQUESTS_PER_SECOND_GET_METADATA_GENERATION_RUN must be a number from 0.01 to 10000, got "0"',
    ]);
  });

  it('reads lists and numbers', () => {
    const config = loadConfig({
      DEAD_LETTER_QUEUE_URL: DLQ,
      HANDLED_DETAIL_TYPES: 'Asset Added To Catalog',
      SUPPORTED_ASSET_TYPES: 'amazon.datazone.GlueTableAssetType,custom.Table',
      DOMAIN_IDS: 'dzd_bc8e1ez8r2a6xz, dzd-7ttq4pj2fcnl0m',
      RECORD_CONCURRENCY: '4',
      DATAZONE_REQUESTS_PER_SECOND: '0.5',
      DATAZONE_BURST: '1',
      RETRY_BACKOFF_BASE_SECONDS: '5',
      RETRY_BACKOFF_MAX_SECONDS: '60',
      DEADLINE_SAFETY_MARGIN_MS: '0',
    });
    expect(config.handledDetailTypes).toEqual(new Set(['Asset Added To Catalog']));
    expect(config.supportedAssetTypes).toEqual(
      new Set(['amazon.datazone.GlueTableAssetType', 'custom.Table']),
    );
    expect(config.domainIds).toEqual(new Set(['dzd_bc8e1ez8r2a6xz', 'dzd-7ttq4pj2fcnl0m']));
    expect(config.recordConcurrency).toBe(4);
    expect(config.datazoneRates.StartMetadataGenerationRun).toEqual({ ratePerSecond: 0.5, burst: 1 });
    expect(config.backoff.short).toEqual({ baseSeconds: 5, maxSeconds: 60 });
    expect(config.deadlineSafetyMarginMs).toBe(0);
  });

  it('reports every invalid value at once, each with its variable and expectation', () => {
    expect(
      problemsOf({
        RECORD_CONCURRENCY: '0',
        DATAZONE_REQUESTS_PER_SECOND: 'fast',
        DATAZONE_BURST: '1.5',
        DOMAIN_IDS: 'dzd_ok,prod',
        QUOTA_BACKOFF_BASE_SECONDS: '600',
        QUOTA_BACKOFF_MAX_SECONDS: '60',
        RETRY_BACKOFF_MAX_SECONDS: '50000',
      }),
    ).toEqual([
      expect.stringMatching(/^DEAD_LETTER_QUEUE_URL is required/),
      'DOMAIN_IDS must be DataZone domain ids (dzd_…), comma-separated; invalid: prod',
      'RECORD_CONCURRENCY must be an integer from 1 to 1000, got "0"',
      'DATAZONE_REQUESTS_PER_SECOND must be a number from 0.01 to 10000, got "fast"',
      'DATAZONE_BURST must be an integer from 1 to 10000, got "1.5"',
      'RETRY_BACKOFF_MAX_SECONDS must be an integer from 1 to 42000, got "50000"',
      'QUOTA_BACKOFF_MAX_SECONDS (60) must be at least QUOTA_BACKOFF_BASE_SECONDS (600)',
    ]);
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      DEAD_LETTER_QUEUE_URL: ' http://localhost:9324/000000000000/metagen-dlq ',
      POWERTOOLS_SERVICE_NAME: 'metagen-staging',
      POWERTOOLS_METRICS_NAMESPACE: 'MetagenStaging',
      GENERATION_TYPES: 'BUSINESS_NAMES',
      MAX_RUN_ATTEMPTS: '4',
      RUN_RETRY_BASE_SECONDS: '120',
      HANDLED_DETAIL_TYPES: 'New Asset Version Available',
      SUPPORTED_ASSET_TYPES: 'custom.Table',
      DOMAIN_IDS: 'dzd_bc8e1ez8r2a6xz',
      RECORD_CONCURRENCY: '20',
      DATAZONE_REQUESTS_PER_SECOND: '5',
      DATAZONE_BURST: '2',
      MAX_SLOT_WAIT_MS: '0',
      DATAZONE_REQUEST_TIMEOUT_MS: '2500',
      RETRY_BACKOFF_BASE_SECONDS: '7',
      RETRY_BACKOFF_MAX_SECONDS: '70',
      QUOTA_BACKOFF_BASE_SECONDS: '30',
      QUOTA_BACKOFF_MAX_SECONDS: '30',
      DEADLINE_SAFETY_MARGIN_MS: '1500',
    });
    const rate = { ratePerSecond: 5, burst: 2 };
    expect(config).toEqual({
      serviceName: 'metagen-staging',
      metricsNamespace: 'MetagenStaging',
      deadLetterQueueUrl: 'http://localhost:9324/000000000000/metagen-dlq',
      generationTypes: ['BUSINESS_NAMES'],
      maxRunAttempts: 4,
      runRetryBaseSeconds: 120,
      handledDetailTypes: new Set(['New Asset Version Available']),
      supportedAssetTypes: new Set(['custom.Table']),
      domainIds: new Set(['dzd_bc8e1ez8r2a6xz']),
      recordConcurrency: 20,
      datazoneRates: {
        GetAsset: rate,
        StartMetadataGenerationRun: rate,
        ListMetadataGenerationRuns: rate,
        GetMetadataGenerationRun: rate,
      },
      maxSlotWaitMs: 0,
      datazoneRequestTimeoutMs: 2500,
      // A maximum equal to the base: a fixed wait.
      backoff: { short: { baseSeconds: 7, maxSeconds: 70 }, long: { baseSeconds: 30, maxSeconds: 30 } },
      deadlineSafetyMarginMs: 1500,
    });
  });

  it.each(['ftp://sqs.eu-west-1.amazonaws.com/1/dlq', 'xhttp://sqs.eu-west-1.amazonaws.com/1/dlq'])(
    'takes only an http(s) URL as DEAD_LETTER_QUEUE_URL, not %s',
    (url) => {
      expect(problemsOf({ DEAD_LETTER_QUEUE_URL: url })).toEqual([
        `DEAD_LETTER_QUEUE_URL must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name, got "${url}"`,
      ]);
    },
  );

  it('needs at least one handled detail-type and one supported asset type', () => {
    expect(
      problemsOf({ DEAD_LETTER_QUEUE_URL: DLQ, HANDLED_DETAIL_TYPES: ',', SUPPORTED_ASSET_TYPES: ' , ' }),
    ).toEqual([
      'HANDLED_DETAIL_TYPES must name at least one detail-type',
      'SUPPORTED_ASSET_TYPES must name at least one asset type',
    ]);
  });

  it('lists every unknown generation type, and what it expects', () => {
    expect(
      problemsOf({ DEAD_LETTER_QUEUE_URL: DLQ, GENERATION_TYPES: 'SUMMARIES,BUSINESS_NAMES,TAGS' }),
    ).toEqual([
      'GENERATION_TYPES must be 1 to 3 distinct values of BUSINESS_DESCRIPTIONS, BUSINESS_NAMES, ' +
        'BUSINESS_GLOSSARY_ASSOCIATIONS, comma-separated; unknown: SUMMARIES, TAGS',
    ]);
  });

  it('lists every invalid domain id', () => {
    expect(problemsOf({ DEAD_LETTER_QUEUE_URL: DLQ, DOMAIN_IDS: 'prod,dzd_bc8e1ez8r2a6xz,test' })).toEqual([
      'DOMAIN_IDS must be DataZone domain ids (dzd_…), comma-separated; invalid: prod, test',
    ]);
  });

  it('allows run retries whose last wait is exactly what one hand-back can hold, and says what it got beyond', () => {
    const retries = (attempts: number, baseSeconds: number) => ({
      DEAD_LETTER_QUEUE_URL: DLQ,
      MAX_RUN_ATTEMPTS: String(attempts),
      RUN_RETRY_BASE_SECONDS: String(baseSeconds),
    });
    // 21000 × 2^(3 - 2) and 2625 × 2^(6 - 2) are 42000 s; a single attempt never waits.
    expect(loadConfig(retries(3, 21_000)).maxRunAttempts).toBe(3);
    expect(loadConfig(retries(6, 2625)).maxRunAttempts).toBe(6);
    expect(loadConfig(retries(2, 21_600)).maxRunAttempts).toBe(2);
    expect(loadConfig(retries(1, 21_600)).maxRunAttempts).toBe(1);
    expect(problemsOf(retries(6, 2626))).toEqual([
      'RUN_RETRY_BASE_SECONDS × 2^(MAX_RUN_ATTEMPTS - 2) must be at most 42000 s (what one hand-back to the queue ' +
        'can wait), got 42016 s',
    ]);
  });

  it('puts the variable names in the thrown message, one problem a line', () => {
    expect(() => loadConfig({ DEAD_LETTER_QUEUE_URL: DLQ, RECORD_CONCURRENCY: 'many' })).toThrow(
      /Invalid configuration:\n {2}- RECORD_CONCURRENCY must be an integer from 1 to 1000, got "many"/,
    );
    expect(() => loadConfig({ RECORD_CONCURRENCY: 'many' })).toThrow(
      'Invalid configuration:\n' +
        '  - DEAD_LETTER_QUEUE_URL is required: expected an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name\n' +
        '  - RECORD_CONCURRENCY must be an integer from 1 to 1000, got "many"',
    );
  });
});
