/**
 * The reconciler's composition root, src/functions/reconciler.ts, imported fresh with its configuration in the
 * environment (SDK clients mocked): a start message fans out one sweep per domain; a cursor message sweeps its
 * pages, enqueues what is missing on the worker's queue and says when the sweep is done.
 */
import {
  DataZoneClient,
  GetAssetCommand,
  ListMetadataGenerationRunsCommand,
  SearchCommand,
} from '@aws-sdk/client-datazone';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadReconcilerConfig } from '../../src/runtime/reconciler-config.js';
import { captureStdout, lambdaContext, serviceError } from '../support/lambda.js';

const datazone = mockClient(DataZoneClient);
const sqs = mockClient(SQSClient);
const SOURCE = 'https://sqs.eu-west-1.amazonaws.com/111111111111/source';
const SWEEP = 'https://sqs.eu-west-1.amazonaws.com/111111111111/sweep';
const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  RECONCILE_DOMAIN_IDS: `${DOMAIN},dzd_other01`,
  SOURCE_QUEUE_URL: SOURCE,
  SWEEP_QUEUE_URL: SWEEP,
  SWEEP_REQUESTS_PER_SECOND: '100',
};

type Handler = (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

async function loadReconciler(): Promise<Handler> {
  vi.resetModules();
  for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
  const module = await import('../../src/functions/reconciler.js');
  return module.handler as unknown as Handler;
}

const sweepMessage = (body: unknown): SQSEvent => ({
  Records: [
    {
      messageId: 'm1',
      receiptHandle: 'r',
      body: JSON.stringify(body),
      attributes: {},
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:111111111111:sweep',
      awsRegion: 'eu-west-1',
    } as never,
  ],
});

let stdout: ReturnType<typeof captureStdout>;

beforeEach(() => {
  datazone.reset();
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({});
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  datazone.on(SearchCommand).resolves({
    items: [
      {
        assetItem: {
          identifier: 'asset1',
          typeIdentifier: 'amazon.datazone.GlueTableAssetType',
          owningProjectId: 'p1',
          domainId: DOMAIN,
          name: 'a',
          typeRevision: '1',
        },
      },
    ] as never,
    totalMatchCount: 1,
  });
  datazone.on(GetAssetCommand).resolves({
    id: 'asset1',
    revision: '4',
    owningProjectId: 'p1',
    typeIdentifier: 'amazon.datazone.GlueTableAssetType',
  } as never);
  datazone.on(ListMetadataGenerationRunsCommand).resolves({ items: [] });
  stdout = captureStdout();
});

afterEach(() => {
  stdout.restore();
  vi.unstubAllEnvs();
});

describe('src/functions/reconciler.ts', () => {
  it('starts one sweep per configured domain, each as a message on its own queue', async () => {
    const handler = await loadReconciler();
    await handler(sweepMessage({ start: true }), lambdaContext(60_000));
    const cursors = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(cursors.map((input) => input.QueueUrl)).toEqual([SWEEP, SWEEP]);
    expect(
      cursors.map((input) => (JSON.parse(input.MessageBody ?? '{}') as { domainId: string }).domainId),
    ).toEqual([DOMAIN, 'dzd_other01']);
  });

  it('sweeps a cursor to its end, enqueues the missing revision on the worker’s queue, and reports the sweep', async () => {
    const handler = await loadReconciler();
    await handler(sweepMessage({ sweepId: 's1', domainId: DOMAIN, counts: {} }), lambdaContext(60_000));
    const [batch] = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(batch?.QueueUrl).toBe(SOURCE);
    expect(JSON.parse(batch?.Entries?.[0]?.MessageBody ?? '{}')).toMatchObject({
      detail: {
        data: { assetId: 'asset1', revision: '4' },
        reconciliation: { origin: 'reconciler', sweepId: 's1' },
      },
    });
    expect(sqs.commandCalls(SendMessageCommand)).toEqual([]);
    expect(stdout.metrics()).toMatchObject({
      AssetsScanned: 1,
      RevisionsMissing: 1,
      ReconcileEventsEnqueued: 1,
      SweepsCompleted: 1,
    });
  });

  it('fails a step that a throttle cut short, so that its page comes back, and counts the throttle by operation', async () => {
    datazone.on(SearchCommand).rejects(serviceError('ThrottlingException', 429));
    const handler = await loadReconciler();
    await expect(
      handler(sweepMessage({ sweepId: 's1', domainId: DOMAIN, counts: {} }), lambdaContext(60_000)),
    ).rejects.toMatchObject({ name: 'ThrottlingException', operation: 'Search' });
    expect(stdout.metricsBy('Operation')).toEqual({ 'ThrottledByOperation Search': 1 });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toEqual([]);
  });

  it('counts a quota error that failed a step under its operation too, and nothing for other failures', async () => {
    datazone.on(GetAssetCommand).rejects(serviceError('ServiceQuotaExceededException', 402));
    const handler = await loadReconciler();
    const cursor = sweepMessage({ sweepId: 's1', domainId: DOMAIN, counts: {} });
    await expect(handler(cursor, lambdaContext(60_000))).rejects.toMatchObject({ operation: 'GetAsset' });
    datazone.on(GetAssetCommand).rejects(serviceError('InternalServerException', 500));
    await expect(handler(cursor, lambdaContext(60_000))).rejects.toMatchObject({
      name: 'InternalServerException',
    });
    expect(stdout.metricsBy('Operation')).toEqual({ 'QuotaExceededByOperation GetAsset': 1 });
  });

  it('drops a message it cannot read, and says so', async () => {
    const handler = await loadReconciler();
    await handler(sweepMessage('not a cursor'), lambdaContext(60_000));
    expect(stdout.metrics()).toMatchObject({ SweepMessagesUnreadable: 1 });
    expect(datazone.calls()).toEqual([]);
  });
});

describe('loadReconcilerConfig', () => {
  it('reports every problem at once', () => {
    expect(() =>
      loadReconcilerConfig({ RECONCILE_DOMAIN_IDS: 'nope', SWEEP_REQUESTS_PER_SECOND: '0' }),
    ).toThrow(
      /RECONCILE_DOMAIN_IDS: invalid domain ids: nope[\s\S]*SOURCE_QUEUE_URL is required[\s\S]*SWEEP_QUEUE_URL is required[\s\S]*SWEEP_REQUESTS_PER_SECOND must be a number/,
    );
  });

  it('gives each operation of a sweep its own rate, and estimates pages at the slowest', () => {
    const env = {
      RECONCILE_DOMAIN_IDS: 'dzd_bc8e1ez8r2a6xz',
      SOURCE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/source',
      SWEEP_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/sweep',
    };
    const config = loadReconcilerConfig({
      ...env,
      SWEEP_REQUESTS_PER_SECOND: '4',
      SWEEP_REQUESTS_PER_SECOND_SEARCH: '2.5',
      // Never called by a sweep: not what a page's time is estimated at.
      SWEEP_REQUESTS_PER_SECOND_START_METADATA_GENERATION_RUN: '0.5',
    });
    expect(config.rates.Search).toEqual({ ratePerSecond: 2.5, burst: 1 });
    // Burst 1 whatever the rate: a sweep is one call at a time, and its share must not come in bursts.
    expect(config.rates.GetAsset).toEqual({ ratePerSecond: 4, burst: 1 });
    expect(loadReconcilerConfig({ ...env, SWEEP_REQUESTS_PER_SECOND: '100' }).rates.GetAsset.burst).toBe(1);
    expect(config.requestsPerSecond).toBe(2.5);
  });
});
