/**
 * Runs' outcome events through the real handler (SDK clients mocked): recorded, failed runs started again a
 * bounded number of times with tokens of their own, hopeless ones dead-lettered with the last error.
 */
import {
  DataZoneClient,
  GetMetadataGenerationRunCommand,
  type GetMetadataGenerationRunCommandOutput,
  ListMetadataGenerationRunsCommand,
  StartMetadataGenerationRunCommand,
  type StartMetadataGenerationRunCommandInput,
} from '@aws-sdk/client-datazone';
import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientToken } from '../../src/core/client-token.js';
import {
  captureStdout,
  lambdaContext,
  loadHandler,
  readEvent,
  serviceError,
  sqsEvent,
} from '../support/lambda.js';

const datazone = mockClient(DataZoneClient);
const sqs = mockClient(SQSClient);
const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const ASSET = 'ayzstznnx4dxyf';
const RUN_ID = 'run4x7k2m9q1zt';
const BOTH = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const;
const A_RECORD = sqsEvent('sqs/batch.json').Records[0] as SQSRecord;

/** An SQS record whose body is the sample outcome event, ended `endedMsAgo` ago. */
function outcomeRecord(
  status: 'succeeded' | 'failed' | 'canceled',
  endedMsAgo = 0,
  messageId = `m-${status}`,
) {
  const event = readEvent<Record<string, unknown>>(`outcomes/metadata-generation-${status}.json`);
  const time = new Date(Date.now() - endedMsAgo).toISOString();
  return { ...A_RECORD, messageId, body: JSON.stringify({ ...event, time }) };
}

function run(status: string, overrides: Record<string, unknown> = {}): GetMetadataGenerationRunCommandOutput {
  return {
    $metadata: {},
    domainId: DOMAIN,
    id: RUN_ID,
    owningProjectId: '6oy92hwk937pgn',
    status,
    target: { type: 'ASSET', identifier: ASSET, revision: '3' },
    types: [...BOTH],
    createdAt: new Date(Date.now() - 20 * 60_000),
    typeStats: BOTH.map((type) => ({
      type,
      status: status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED',
      errorMessage: status === 'SUCCEEDED' ? undefined : 'internal error',
    })),
    ...overrides,
  } as GetMetadataGenerationRunCommandOutput;
}

const starts = () =>
  datazone.commandCalls(StartMetadataGenerationRunCommand).map((call) => call.args[0].input);
const dlqSends = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
const visibility = () =>
  sqs.commandCalls(ChangeMessageVisibilityBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);

let stdout: ReturnType<typeof captureStdout>;

beforeEach(() => {
  datazone.reset();
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq' });
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  datazone
    .on(StartMetadataGenerationRunCommand)
    .callsFake((input: StartMetadataGenerationRunCommandInput) => ({
      id: `retry-${input.clientToken?.slice(-6)}`,
      status: 'SUBMITTED',
    }));
  stdout = captureStdout();
});

afterEach(() => stdout.restore());

describe('a run that ended', () => {
  it('is recorded: status, per-type results, duration; nothing is started', async () => {
    const handler = await loadHandler();
    datazone.on(GetMetadataGenerationRunCommand).resolves(run('SUCCEEDED'));
    expect(await handler({ Records: [outcomeRecord('succeeded')] }, lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(datazone.commandCalls(GetMetadataGenerationRunCommand)[0]?.args[0].input).toEqual({
      domainIdentifier: DOMAIN,
      identifier: RUN_ID,
    });
    expect(starts()).toEqual([]);
    const line = stdout.logs().find((entry) => entry.outcome === 'run-ended');
    expect(line).toMatchObject({
      domainId: DOMAIN,
      assetId: ASSET,
      revision: '3',
      runId: RUN_ID,
      runStatus: 'SUCCEEDED',
      typeStats: [
        { type: 'BUSINESS_DESCRIPTIONS', status: 'SUCCEEDED' },
        { type: 'BUSINESS_NAMES', status: 'SUCCEEDED' },
      ],
    });
    expect(line?.durationSeconds).toBeGreaterThanOrEqual(1199);
    expect(stdout.metrics()).toMatchObject({ RunsSucceeded: 1, TypeSucceeded: 2 });
  });

  it('is not retried when it was canceled: that is someone’s decision', async () => {
    const handler = await loadHandler();
    datazone.on(GetMetadataGenerationRunCommand).resolves(run('CANCELED'));
    expect(await handler({ Records: [outcomeRecord('canceled')] }, lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(starts()).toEqual([]);
    expect(stdout.metrics()).toMatchObject({ RunsCanceled: 1 });
  });
});

describe('a failed run', () => {
  it('waits out its backoff in the queue before the next attempt', async () => {
    const handler = await loadHandler({ RUN_RETRY_BASE_SECONDS: '300' });
    datazone.on(GetMetadataGenerationRunCommand).resolves(run('FAILED'));
    datazone.on(ListMetadataGenerationRunsCommand).resolves({ items: [run('FAILED')] as never });
    const record = outcomeRecord('failed', 60_000);
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(starts()).toEqual([]);
    const [change] = visibility();
    expect(change?.VisibilityTimeout).toBeGreaterThanOrEqual(239);
    expect(change?.VisibilityTimeout).toBeLessThanOrEqual(240);
    expect(stdout.metrics()).toMatchObject({ RunRetriesWaiting: 1 });
    expect(stdout.metrics().RunsFailed).toBeUndefined();
  });

  it('is started again after its backoff, with the attempt in the token', async () => {
    const handler = await loadHandler({ RUN_RETRY_BASE_SECONDS: '300' });
    datazone.on(GetMetadataGenerationRunCommand).resolves(run('FAILED'));
    datazone.on(ListMetadataGenerationRunsCommand).resolves({ items: [run('FAILED')] as never });
    expect(await handler({ Records: [outcomeRecord('failed', 301_000)] }, lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(starts()).toEqual([
      {
        domainIdentifier: DOMAIN,
        owningProjectIdentifier: '6oy92hwk937pgn',
        target: { type: 'ASSET', identifier: ASSET, revision: '3' },
        types: [...BOTH],
        clientToken: clientToken({
          domainId: DOMAIN,
          assetId: ASSET,
          revision: '3',
          generationTypes: BOTH,
          attempt: 2,
        }),
      },
    ]);
    expect(stdout.logs().find((entry) => entry.outcome === 'run-ended')).toMatchObject({
      runStatus: 'FAILED',
      nextRun: { attempt: 2 },
    });
    expect(stdout.metrics()).toMatchObject({ RunsFailed: 1, RunsRetried: 1, TypeFailed: 2 });
  });

  it('goes to the DLQ with the last error once its attempts are used up', async () => {
    const handler = await loadHandler({ MAX_RUN_ATTEMPTS: '2' });
    const earlier = run('FAILED', { id: 'run-first', createdAt: new Date(Date.now() - 60 * 60_000) });
    datazone.on(GetMetadataGenerationRunCommand).resolves(run('FAILED'));
    datazone.on(ListMetadataGenerationRunsCommand).resolves({ items: [run('FAILED'), earlier] as never });
    const record = outcomeRecord('failed', 3_600_000);
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(starts()).toEqual([]);
    expect(dlqSends()).toHaveLength(1);
    expect(dlqSends()[0]?.MessageBody).toBe(record.body);
    expect(dlqSends()[0]?.MessageAttributes).toMatchObject({
      ErrorName: { DataType: 'String', StringValue: 'MetadataGenerationFailed' },
      ErrorMessage: {
        DataType: 'String',
        StringValue: expect.stringMatching(/^attempt 2 of 2 failed: BUSINESS_DESCRIPTIONS: internal error/),
      },
    });
    expect(stdout.metrics()).toMatchObject({ RunsFailed: 1, RunsGivenUp: 1, DeadLettered: 1 });
  });
});

describe('an outcome event the worker cannot read', () => {
  it('is recorded with the reason and counted, not retried, not a batch failure', async () => {
    const handler = await loadHandler();
    const record = outcomeRecord('failed');
    const event = JSON.parse(record.body) as { detail: Record<string, unknown> };
    event.detail = { metadata: { domain: DOMAIN } };
    const unreadable = { ...record, body: JSON.stringify(event) };
    expect(await handler({ Records: [unreadable] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(datazone.calls()).toHaveLength(0);
    expect(stdout.metrics()).toMatchObject({ OutcomeEventsUnreadable: 1 });
    expect(stdout.logs().find((entry) => entry.outcome === 'outcome-unreadable')?.reason).toMatch(
      /no run id/,
    );
  });
});

describe('all three kinds of metadata', () => {
  it('starts two runs per revision, one per group, each with its own token', async () => {
    const handler = await loadHandler({
      GENERATION_TYPES: 'BUSINESS_NAMES,BUSINESS_DESCRIPTIONS,BUSINESS_GLOSSARY_ASSOCIATIONS',
    });
    expect(await handler({ Records: [A_RECORD] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    const token = (
      generationTypes: readonly (
        | 'BUSINESS_NAMES'
        | 'BUSINESS_DESCRIPTIONS'
        | 'BUSINESS_GLOSSARY_ASSOCIATIONS'
      )[],
    ) => clientToken({ domainId: DOMAIN, assetId: ASSET, revision: '3', generationTypes });
    expect(starts().map((input) => [input.types, input.clientToken])).toEqual([
      [[...BOTH], token(BOTH)],
      [['BUSINESS_GLOSSARY_ASSOCIATIONS'], token(['BUSINESS_GLOSSARY_ASSOCIATIONS'])],
    ]);
    expect(stdout.metrics()).toMatchObject({ RunsStarted: 2 });
  });
});

describe('review findings: no retry lost, none doubled', () => {
  const failedRunListed = () => {
    datazone.on(GetMetadataGenerationRunCommand).resolves(run('FAILED'));
    datazone.on(ListMetadataGenerationRunsCommand).resolves({ items: [run('FAILED')] as never });
  };

  it('does not take a 409 on attempt 2 for the run of attempt 1: the attempt waits, asset-busy', async () => {
    const handler = await loadHandler();
    failedRunListed();
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ConflictException', 409));
    const record = outcomeRecord('failed', 301_000);
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(stdout.logs().find((entry) => entry.outcome === 'retry')).toMatchObject({
      retryCause: 'asset-busy',
    });
    expect(stdout.metrics().RunsRetried).toBeUndefined();
  });

  it('counts the backoff from the run’s creation when the event has no time', async () => {
    const handler = await loadHandler();
    failedRunListed();
    const record = outcomeRecord('failed');
    const event = JSON.parse(record.body) as Record<string, unknown>;
    delete event.time;
    await handler({ Records: [{ ...record, body: JSON.stringify(event) }] }, lambdaContext());
    // Created 20 minutes ago, base 300 s: the wait is over.
    expect(starts()).toHaveLength(1);
  });

  it('does not count a retry its token replays as another retry', async () => {
    const handler = await loadHandler();
    failedRunListed();
    datazone
      .on(StartMetadataGenerationRunCommand)
      .resolves({ id: 'attempt-2', status: 'IN_PROGRESS', createdAt: new Date(Date.now() - 60_000) });
    await handler({ Records: [outcomeRecord('failed', 301_000)] }, lambdaContext());
    expect(stdout.metrics().RunsRetried).toBeUndefined();
    expect(stdout.logs().find((entry) => entry.outcome === 'run-ended')?.why).toMatch(
      /^attempt 2 was started already/,
    );
  });

  it('asks again when the event says the run failed but the run has not ended yet', async () => {
    const handler = await loadHandler();
    datazone.on(GetMetadataGenerationRunCommand).resolves(run('IN_PROGRESS'));
    const record = outcomeRecord('failed', 301_000);
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(starts()).toEqual([]);
  });

  it('starts the next attempt at once on the direct path, which has no queue to wait in', async () => {
    const handler = await loadHandler();
    failedRunListed();
    const event = JSON.parse(outcomeRecord('failed', 60_000).body) as unknown;
    await expect(handler(event, lambdaContext())).resolves.toMatchObject({ outcome: 'run-ended' });
    expect(starts()).toHaveLength(1);
  });

  it('never logs the whole event, even when POWERTOOLS_LOGGER_LOG_EVENT asks for it', async () => {
    const handler = await loadHandler({ POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
    datazone.on(GetMetadataGenerationRunCommand).resolves(run('SUCCEEDED'));
    const record = outcomeRecord('succeeded');
    await handler({ Records: [record] }, lambdaContext());
    const written = stdout.logs().map((line) => JSON.stringify(line));
    expect(written.filter((line) => line.includes(record.receiptHandle))).toEqual([]);
  });

  it('recognises a retry of some of the group’s types as this attempt’s run when its start meets a 409', async () => {
    const handler = await loadHandler();
    const partial = run('PARTIALLY_SUCCEEDED', {
      typeStats: [
        { type: 'BUSINESS_DESCRIPTIONS', status: 'SUCCEEDED' },
        { type: 'BUSINESS_NAMES', status: 'FAILED', errorMessage: 'internal error' },
      ],
    });
    const retry = run('IN_PROGRESS', {
      id: 'attempt-2',
      types: ['BUSINESS_NAMES'],
      createdAt: new Date(Date.now() - 1000),
    });
    datazone.on(GetMetadataGenerationRunCommand).resolves(partial);
    datazone.on(ListMetadataGenerationRunsCommand).resolves({ items: [partial, retry] as never });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ConflictException', 409));
    const record = outcomeRecord('failed', 301_000);
    // The late copy check sees attempt 2 listed already; without it, the 409 must find attempt 2 too.
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(stdout.logs().find((entry) => entry.outcome === 'retry')).toBeUndefined();
  });
});
