/**
 * SQS batches through the handler built with createHandler: the real adapters over mocked SDK clients, and the
 * backoff's jitter chosen by each test.
 */
import {
  DataZoneClient,
  GetAssetCommand,
  ListMetadataGenerationRunsCommand,
  StartMetadataGenerationRunCommand,
  type StartMetadataGenerationRunCommandInput,
} from '@aws-sdk/client-datazone';
import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientToken } from '../../src/core/client-token.js';
import {
  batchOf,
  DUPLICATE_OF_GLUE_TABLE_EVENT,
  GLUE_TABLE_EVENT,
  inBatchOrder,
  MALFORMED_BODY,
  NEW_VERSION_WITHOUT_TYPE,
  OTHER_DOMAIN_WITHOUT_REVISION,
  onlyRecord,
  REDSHIFT_TABLE_EVENT,
  SAMPLE_BATCH,
  SKIPPED_DETAIL_TYPE,
  UNSUPPORTED_ASSET_TYPE,
  withReceiveCount,
} from '../support/fixtures.js';
import { buildHandler, clockFrom, lowestJitter } from '../support/handler.js';
import {
  captureStdout,
  DLQ_URL,
  type Handler,
  lambdaContext,
  SOURCE_QUEUE_URL,
  serviceError,
  sqsEvent,
} from '../support/lambda.js';

const datazone = mockClient(DataZoneClient);
const sqs = mockClient(SQSClient);
const TYPES = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const;
const SOURCE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:datazone-metagen-worker-prod-source';

const ASSETS: Record<string, { revision: string; owningProjectId: string; typeIdentifier: string }> = {
  f5h9l3s7g1d2wb: {
    revision: '2',
    owningProjectId: 'b3x7mz1q9w2k4e',
    typeIdentifier: 'amazon.datazone.RedshiftTableAssetType',
  },
  m6v0r4e8y2j5qd: {
    revision: '1',
    owningProjectId: '2hf5n8w1ld6x3c',
    typeIdentifier: 'amazon.datazone.GlueTableAssetType',
  },
  g2k6p0m4r8t3yc: {
    revision: '1',
    owningProjectId: 'b3x7mz1q9w2k4e',
    typeIdentifier: 'amazon.datazone.S3ObjectCollectionAssetType',
  },
};

function seedCatalog() {
  // No runs yet: what a redelivered record's check before its start finds.
  datazone.on(ListMetadataGenerationRunsCommand).resolves({ items: [] });
  datazone.on(GetAssetCommand).callsFake((input: { domainIdentifier: string; identifier: string }) => {
    const asset = ASSETS[input.identifier];
    if (asset === undefined) throw serviceError('ResourceNotFoundException', 404);
    return { id: input.identifier, domainId: input.domainIdentifier, name: input.identifier, ...asset };
  });
  datazone
    .on(StartMetadataGenerationRunCommand)
    .callsFake((input: StartMetadataGenerationRunCommandInput) => ({
      id: `run-${input.target?.identifier}-${input.target?.revision}`,
      domainId: input.domainIdentifier,
      status: 'SUBMITTED',
    }));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-message-id' });
  sqs.on(ChangeMessageVisibilityBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map(({ Id }) => ({ Id })),
    Failed: [],
  }));
}

const startInputs = () =>
  datazone.commandCalls(StartMetadataGenerationRunCommand).map((call) => call.args[0].input);
const dlqSends = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
const visibilityChanges = () =>
  sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);

function expectedStart(domainId: string, assetId: string, revision: string, owningProjectId: string) {
  return {
    domainIdentifier: domainId,
    owningProjectIdentifier: owningProjectId,
    target: { type: 'ASSET', identifier: assetId, revision },
    types: [...TYPES],
    clientToken: clientToken({ domainId, assetId, revision, generationTypes: TYPES }),
  };
}

let stdout: ReturnType<typeof captureStdout>;

beforeEach(() => {
  datazone.reset();
  sqs.reset();
  seedCatalog();
  stdout = captureStdout();
});

afterEach(() => {
  stdout.restore();
});

describe('SQS batch: the sample batch', () => {
  let handler: Handler;
  beforeEach(() => {
    handler = buildHandler({ random: lowestJitter });
  });

  it('starts one run per supported asset revision, skips, dead-letters the malformed body, fails nothing', async () => {
    const result = await handler(SAMPLE_BATCH, lambdaContext());

    expect(result).toEqual({ batchItemFailures: [] });
    expect(startInputs()).toEqual(
      expect.arrayContaining([
        expectedStart('dzd_bc8e1ez8r2a6xz', 'ayzstznnx4dxyf', '3', '6oy92hwk937pgn'),
        expectedStart('dzd_bc8e1ez8r2a6xz', 'e8n2v6c4x1q7jm', '1', 'b3x7mz1q9w2k4e'),
        expectedStart('dzd_bc8e1ez8r2a6xz', 'f5h9l3s7g1d2wb', '2', 'b3x7mz1q9w2k4e'),
        expectedStart('dzd_7ttq4pj2fcnl0m', 'm6v0r4e8y2j5qd', '1', '2hf5n8w1ld6x3c'),
      ]),
    );
    // The duplicate of the first record shares its call: four calls for four asset revisions.
    expect(startInputs()).toHaveLength(4);
    // GetAsset only where the event lacks the revision, the project or a supported type.
    expect(
      datazone
        .commandCalls(GetAssetCommand)
        .map((call) => call.args[0].input.identifier)
        .sort(),
    ).toEqual(['f5h9l3s7g1d2wb', 'g2k6p0m4r8t3yc', 'm6v0r4e8y2j5qd']);

    expect(dlqSends()).toEqual([
      {
        QueueUrl: DLQ_URL,
        MessageBody: MALFORMED_BODY.body,
        MessageAttributes: {
          ErrorName: { DataType: 'String', StringValue: 'InvalidEventError' },
          ErrorMessage: {
            DataType: 'String',
            StringValue: expect.stringMatching(/^not an EventBridge event: body is not valid JSON: /),
          },
          SourceMessageId: { DataType: 'String', StringValue: MALFORMED_BODY.messageId },
          ApproximateReceiveCount: { DataType: 'String', StringValue: '1' },
          SourceQueueArn: { DataType: 'String', StringValue: SOURCE_ARN },
          FailedAt: { DataType: 'String', StringValue: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
        },
      },
    ]);
    expect(visibilityChanges()).toEqual([]);
    expect(stdout.metrics()).toMatchObject({
      RunsStarted: 4,
      RunsAlreadyExisting: 1,
      EventsSkipped: 2,
      DeadLettered: 1,
    });
  });

  it('logs one line per record with its keys, and the run id', async () => {
    await handler(SAMPLE_BATCH, lambdaContext());
    const outcomes = stdout.logs().filter((line) => typeof line.outcome === 'string');
    expect(outcomes).toHaveLength(SAMPLE_BATCH.Records.length);
    // Of the Glue table event and its duplicate, the one first in the batch starts the run.
    const [firstCopy] = inBatchOrder(SAMPLE_BATCH, [GLUE_TABLE_EVENT, DUPLICATE_OF_GLUE_TABLE_EVENT]);
    const first = outcomes.find(
      (line) => line.messageId === firstCopy?.messageId && line.outcome === 'started',
    );
    expect(first).toMatchObject({
      level: 'INFO',
      service: 'datazone-metagen-worker',
      outcome: 'started',
      domainId: 'dzd_bc8e1ez8r2a6xz',
      assetId: 'ayzstznnx4dxyf',
      revision: '3',
      clientToken: expectedStart('dzd_bc8e1ez8r2a6xz', 'ayzstznnx4dxyf', '3', '6oy92hwk937pgn').clientToken,
      runId: 'run-ayzstznnx4dxyf-3',
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    });
    // The full event is only logged at debug level.
    expect(stdout.logs().some((line) => line.message === 'invocation event')).toBe(false);
  });
});

describe('SQS batch: failures', () => {
  it('hands back a throttled record with backoff and defers the records that have not reached the API', async () => {
    const handler = buildHandler({ env: { RECORD_CONCURRENCY: '1' }, random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ThrottlingException', 429));
    // Every sample record, the complete Glue table event first: it is the one that reaches the API.
    const event = batchOf(
      GLUE_TABLE_EVENT,
      REDSHIFT_TABLE_EVENT,
      NEW_VERSION_WITHOUT_TYPE,
      OTHER_DOMAIN_WITHOUT_REVISION,
      SKIPPED_DETAIL_TYPE,
      UNSUPPORTED_ASSET_TYPE,
      MALFORMED_BODY,
      DUPLICATE_OF_GLUE_TABLE_EVENT,
    );
    const result = await handler(event, lambdaContext());

    // The Glue table event is throttled; the other records that need the API, its duplicate included, are
    // deferred before reserving a slot; the skipped detail-type and the malformed body need no call and complete.
    const failed = [
      GLUE_TABLE_EVENT,
      REDSHIFT_TABLE_EVENT,
      NEW_VERSION_WITHOUT_TYPE,
      OTHER_DOMAIN_WITHOUT_REVISION,
      UNSUPPORTED_ASSET_TYPE,
      DUPLICATE_OF_GLUE_TABLE_EVENT,
    ];
    expect(result).toEqual({
      batchItemFailures: failed.map(({ messageId }) => ({ itemIdentifier: messageId })),
    });
    expect(startInputs()).toHaveLength(1);
    expect(datazone.commandCalls(GetAssetCommand)).toHaveLength(0);
    expect(visibilityChanges()).toEqual([
      {
        QueueUrl: SOURCE_QUEUE_URL,
        Entries: failed.map(({ receiptHandle }, index) => ({
          Id: String(index),
          ReceiptHandle: receiptHandle,
          // Receive count 1, base 10 s, random 0: half of 10 s.
          VisibilityTimeout: 5,
        })),
      },
    ]);
    expect(dlqSends()).toHaveLength(1);
    // The throttled call is named: quotas are per operation, and so is what an operator changes.
    expect(stdout.logs().find((line) => line.retryCause === 'throttled')).toMatchObject({
      operation: 'StartMetadataGenerationRun',
      errorName: 'ThrottlingException',
    });
    expect(stdout.metrics()).toMatchObject({
      Throttled: 1,
      RecordsDeferred: 5,
      EventsSkipped: 1,
      DeadLettered: 1,
    });
    // The deferred records name the call they did not make, in their lines and by operation in the metrics.
    expect(
      stdout
        .logs()
        .filter((line) => line.retryCause === 'deferred')
        .map((line) => line.operation),
    ).toEqual(Array(5).fill('StartMetadataGenerationRun'));
    expect(stdout.metricsBy('Operation')).toEqual({
      'ThrottledByOperation StartMetadataGenerationRun': 1,
      'RecordsDeferredByOperation StartMetadataGenerationRun': 5,
    });
  });

  it('backs off longer after ServiceQuotaExceededException, growing with the receive count', async () => {
    const handler = buildHandler({ env: { RECORD_CONCURRENCY: '1' }, random: lowestJitter });
    datazone
      .on(StartMetadataGenerationRunCommand)
      .rejects(serviceError('ServiceQuotaExceededException', 402));
    const event = batchOf(withReceiveCount(GLUE_TABLE_EVENT, 3), withReceiveCount(REDSHIFT_TABLE_EVENT, 1));
    const result = await handler(event, lambdaContext());

    expect(result).toEqual({
      batchItemFailures: event.Records.map(({ messageId }) => ({ itemIdentifier: messageId })),
    });
    // Quota schedule: base 60 s → receive 3: 240 s, half with random 0 → 120; the deferred record follows the
    // quota schedule too: receive 1 → 30.
    expect(visibilityChanges()[0]?.Entries?.map((entry) => entry.VisibilityTimeout)).toEqual([120, 30]);
    expect(stdout.metrics()).toMatchObject({ QuotaExceeded: 1, RecordsDeferred: 1 });
  });

  it('retries a transient failure with the retry schedule, exponential in the receive count', async () => {
    const handler = buildHandler({
      env: { RETRY_BACKOFF_BASE_SECONDS: '20', RETRY_BACKOFF_MAX_SECONDS: '100' },
      random: () => 0.5,
    });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('InternalServerException', 500));
    const source = GLUE_TABLE_EVENT;
    const event = batchOf(withReceiveCount(source, 2), withReceiveCount(source, 9, 'second-copy'));
    const result = await handler(event, lambdaContext());

    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: source.messageId }, { itemIdentifier: 'second-copy' }],
    });
    // Receive 2: 40 s → 20 + 10 = 30; receive 9: capped at 100 → 50 + 25 = 75.
    expect(visibilityChanges()[0]?.Entries?.map((entry) => entry.VisibilityTimeout)).toEqual([30, 75]);
    expect(dlqSends()).toEqual([]);
    expect(stdout.metrics()).toMatchObject({ TransientFailures: 2 });
  });

  it('treats ConflictException as an existing run once the run of the revision is confirmed: not retried, not dead-lettered', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ConflictException', 409));
    datazone.on(ListMetadataGenerationRunsCommand).resolves({
      items: [
        {
          domainId: 'dzd_bc8e1ez8r2a6xz',
          owningProjectId: '6oy92hwk937pgn',
          id: 'run-older',
          target: { type: 'ASSET', identifier: 'ayzstznnx4dxyf', revision: '2' },
        },
        {
          domainId: 'dzd_bc8e1ez8r2a6xz',
          owningProjectId: '6oy92hwk937pgn',
          id: 'run-this',
          target: { type: 'ASSET', identifier: 'ayzstznnx4dxyf', revision: '3' },
        },
      ],
    });
    const event = batchOf(GLUE_TABLE_EVENT);
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(
      datazone.commandCalls(ListMetadataGenerationRunsCommand).map((call) => call.args[0].input),
    ).toEqual([
      { domainIdentifier: 'dzd_bc8e1ez8r2a6xz', targetIdentifier: 'ayzstznnx4dxyf', maxResults: 50 },
    ]);
    expect(dlqSends()).toEqual([]);
    expect(visibilityChanges()).toEqual([]);
    expect(stdout.metrics()).toMatchObject({ RunsAlreadyExisting: 1 });
    expect(stdout.logs().find((line) => line.outcome === 'already-exists')).toMatchObject({
      runId: 'run-this',
    });
  });

  it('retries with backoff when the conflict is a run of another revision in progress, so the new revision is not lost', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ConflictException', 409));
    datazone
      .on(ListMetadataGenerationRunsCommand)
      .resolvesOnce({
        items: [
          {
            domainId: 'dzd_bc8e1ez8r2a6xz',
            owningProjectId: '6oy92hwk937pgn',
            id: 'run-older',
            target: { type: 'ASSET', identifier: 'ayzstznnx4dxyf', revision: '2' },
          },
        ],
        nextToken: 'page-2',
      })
      .resolvesOnce({ items: [] });
    const record = GLUE_TABLE_EVENT;
    expect(await handler(batchOf(record), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(datazone.commandCalls(ListMetadataGenerationRunsCommand)[1]?.args[0].input).toMatchObject({
      nextToken: 'page-2',
    });
    // The long (quota) schedule: base 60 s, equal jitter with random 0 → 30 s, not the short schedule's 5 s.
    expect(visibilityChanges()[0]?.Entries).toEqual([
      { Id: '0', ReceiptHandle: record.receiptHandle, VisibilityTimeout: 30 },
    ]);
    expect(stdout.logs().find((line) => line.outcome === 'retry')).toMatchObject({
      retryCause: 'asset-busy',
      errorName: 'ConflictException',
      errorMessage: 'no run of revision 3 yet: ConflictException from the test',
    });
    expect(dlqSends()).toEqual([]);
  });

  it('keeps starting runs when only GetAsset is throttled: each operation has its own quota and breaker', async () => {
    const handler = buildHandler({ env: { RECORD_CONCURRENCY: '1' }, random: lowestJitter });
    datazone.on(GetAssetCommand).rejects(serviceError('ThrottlingException', 429));
    // The record that needs GetAsset goes first and is throttled; the one that carries its revision still starts.
    const result = await handler(batchOf(OTHER_DOMAIN_WITHOUT_REVISION, GLUE_TABLE_EVENT), lambdaContext());
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: OTHER_DOMAIN_WITHOUT_REVISION.messageId }],
    });
    expect(startInputs()).toHaveLength(1);
    expect(stdout.logs().find((line) => line.retryCause === 'throttled')).toMatchObject({
      operation: 'GetAsset',
    });
    expect(stdout.metrics()).toMatchObject({ Throttled: 1, RunsStarted: 1 });
    // Counted by operation as well: which operation's rate to lower, on the dashboard.
    expect(stdout.metricsBy('Operation')).toEqual({ 'ThrottledByOperation GetAsset': 1 });
  });

  it('retries when the conflict cannot be confirmed', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ConflictException', 409));
    datazone.on(ListMetadataGenerationRunsCommand).rejects(serviceError('ThrottlingException', 429));
    const record = GLUE_TABLE_EVENT;
    expect(await handler(batchOf(record), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(stdout.metrics()).toMatchObject({ Throttled: 1 });
  });

  it.each([
    ['ValidationException', 400],
    ['AccessDeniedException', 403],
    ['UnauthorizedException', 401],
    ['ResourceNotFoundException', 404],
  ])('dead-letters the unchanged body on %s and reports the record as done', async (name, status) => {
    // FailedAt is the worker's clock at the failure: a clock started at a known instant shows it.
    const handler = buildHandler({ random: lowestJitter, clock: clockFrom(Date.UTC(2030, 0, 1)) });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError(name, status));
    const record = withReceiveCount(REDSHIFT_TABLE_EVENT, 4);
    const result = await handler(batchOf(record), lambdaContext());

    expect(result).toEqual({ batchItemFailures: [] });
    const token = expectedStart('dzd_bc8e1ez8r2a6xz', 'e8n2v6c4x1q7jm', '1', 'b3x7mz1q9w2k4e').clientToken;
    expect(dlqSends()).toEqual([
      {
        QueueUrl: DLQ_URL,
        MessageBody: record.body,
        MessageAttributes: {
          ErrorName: { DataType: 'String', StringValue: name },
          ErrorMessage: { DataType: 'String', StringValue: `${name} from the test` },
          SourceMessageId: { DataType: 'String', StringValue: record.messageId },
          ApproximateReceiveCount: { DataType: 'String', StringValue: '4' },
          SourceQueueArn: { DataType: 'String', StringValue: SOURCE_ARN },
          DetailType: { DataType: 'String', StringValue: 'Asset Added To Catalog' },
          ClientToken: { DataType: 'String', StringValue: token },
          FailedAt: { DataType: 'String', StringValue: expect.stringMatching(/^2030-01-01T00:00:/) },
        },
      },
    ]);
    expect(stdout.metrics()).toMatchObject({ DeadLettered: 1 });
  });

  it('dead-letters a handled event whose detail is invalid, with the field in the reason', async () => {
    const handler = buildHandler({ random: lowestJitter });
    const event = sqsEvent('sqs/invalid-asset-event.json');
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(dlqSends()[0]?.MessageAttributes?.ErrorMessage?.StringValue).toBe(
      'not a valid DataZone asset event: detail.metadata.domain: expected a DataZone domain id matching ^dzd[-_][a-zA-Z0-9_-]{1,36}$',
    );
    expect(dlqSends()[0]?.MessageBody).toBe(onlyRecord(event).body);
    expect(startInputs()).toEqual([]);
  });

  it('dead-letters a body that is not JSON, unchanged', async () => {
    const handler = buildHandler({ random: lowestJitter });
    const event = sqsEvent('sqs/malformed-body.json');
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(dlqSends().map((send) => send.MessageBody)).toEqual(['this is not JSON at all']);
  });

  it('skips an unsupported detail-type without any call', async () => {
    const handler = buildHandler({ random: lowestJitter });
    expect(await handler(sqsEvent('sqs/unsupported-detail-type.json'), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(datazone.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
    expect(stdout.metrics()).toMatchObject({ EventsSkipped: 1 });
  });

  it('keeps a permanent failure in the source queue when the dead-letter queue refuses it', async () => {
    const handler = buildHandler({ random: lowestJitter });
    sqs.on(SendMessageCommand).rejects(serviceError('KmsAccessDenied', 400));
    const event = sqsEvent('sqs/malformed-body.json');
    const record = onlyRecord(event);
    expect(await handler(event, lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(visibilityChanges()).toEqual([
      {
        QueueUrl: SOURCE_QUEUE_URL,
        Entries: [{ Id: '0', ReceiptHandle: record.receiptHandle, VisibilityTimeout: 5 }],
      },
    ]);
    expect(stdout.metrics()).toMatchObject({ DeadLetterSendFailures: 1 });
    expect(stdout.metrics().DeadLettered).toBeUndefined();
  });

  it('still reports the failure when the visibility change fails, and counts it', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('InternalServerException', 500));
    sqs.on(ChangeMessageVisibilityBatchCommand).rejects(serviceError('AccessDenied', 403));
    const record = GLUE_TABLE_EVENT;
    expect(await handler(batchOf(record), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(stdout.metrics()).toMatchObject({ TransientFailures: 1, VisibilityChangeFailures: 1 });
    expect(stdout.logs().find((line) => line.message === 'visibility change failed')).toMatchObject({
      messageId: record.messageId,
      errorName: 'AccessDenied',
    });
  });

  it('reports a partial visibility-change failure for the right record', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('InternalServerException', 500));
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({
      Successful: [{ Id: '0' }],
      Failed: [{ Id: '1', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'stale' }],
    });
    const source = GLUE_TABLE_EVENT;
    const event = batchOf(source, withReceiveCount(source, 1, 'copy'));
    await handler(event, lambdaContext());
    expect(stdout.logs().filter((line) => line.message === 'visibility change failed')).toEqual([
      expect.objectContaining({ messageId: 'copy', errorName: 'ReceiptHandleIsInvalid' }),
    ]);
  });
});

/** `count` records of one Glue table, one revision each (1, 2, …): a start each. */
function revisionsOfOneAsset(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const body = GLUE_TABLE_EVENT.body.replace('"version":"3"', `"version":"${index + 1}"`);
    return { ...GLUE_TABLE_EVENT, body, messageId: `m-${index}` };
  });
}

describe('SQS batch: time and concurrency', () => {
  it('hands every record back, untouched, when the invocation starts inside the safety margin', async () => {
    const handler = buildHandler({ env: { DEADLINE_SAFETY_MARGIN_MS: '5000' }, random: lowestJitter });
    const event = SAMPLE_BATCH;
    const result = await handler(event, lambdaContext(4000));
    expect(result).toEqual({
      batchItemFailures: event.Records.map(({ messageId }) => ({ itemIdentifier: messageId })),
    });
    expect(datazone.calls()).toHaveLength(0);
    expect(dlqSends()).toEqual([]);
    // Nothing went wrong with these records: they may come back at once.
    expect(visibilityChanges()[0]?.Entries?.every((entry) => entry.VisibilityTimeout === 0)).toBe(true);
    expect(stdout.metrics()).toMatchObject({ RecordsDeferred: event.Records.length });
  });

  it('hands back records whose calls are still running at the deadline instead of being cut off', async () => {
    const handler = buildHandler({ env: { DEADLINE_SAFETY_MARGIN_MS: '1000' }, random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).callsFake(() => new Promise(() => undefined));
    const event = batchOf(GLUE_TABLE_EVENT, SKIPPED_DETAIL_TYPE);
    const started = Date.now();
    const result = await handler(event, lambdaContext(1300));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: GLUE_TABLE_EVENT.messageId }] });
  });

  it('processes records concurrently, never more than RECORD_CONCURRENCY at once', async () => {
    const handler = buildHandler({ env: { RECORD_CONCURRENCY: '3' }, random: lowestJitter });
    let inFlight = 0;
    let peak = 0;
    datazone
      .on(StartMetadataGenerationRunCommand)
      .callsFake(async (input: StartMetadataGenerationRunCommandInput) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        return { id: `run-${input.clientToken}`, domainId: input.domainIdentifier };
      });
    const result = await handler(batchOf(...revisionsOfOneAsset(10)), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(startInputs()).toHaveLength(10);
    expect(peak).toBe(3);
  });

  it('starts the first half of a batch at once and the rest one event-loop turn later', async () => {
    const handler = buildHandler({ random: lowestJitter });
    let aTurnPassed = false;
    const startedAfterATurn: boolean[] = [];
    datazone
      .on(StartMetadataGenerationRunCommand)
      .callsFake((input: StartMetadataGenerationRunCommandInput) => {
        startedAfterATurn.push(aTurnPassed);
        return { id: `run-${input.clientToken}`, domainId: input.domainIdentifier, status: 'SUBMITTED' };
      });
    // Scheduled before the handler's own next turn, so it has run when the second half starts.
    setImmediate(() => {
      aTurnPassed = true;
    });
    const result = await handler(batchOf(...revisionsOfOneAsset(5)), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(startedAfterATurn).toEqual([false, false, false, true, true]);
  });
});
