/**
 * Inputs and faults that once lost reasons, hung or took a batch down (issue #9), through the handler with its
 * real adapters and the SDK clients mocked. The SQS mock refuses what SQS refuses, so a dead-letter send that SQS would reject fails
 * here too.
 */
import {
  DataZoneClient,
  GetAssetCommand,
  ListMetadataGenerationRunsCommand,
  StartMetadataGenerationRunCommand,
} from '@aws-sdk/client-datazone';
import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageCommand,
  type SendMessageCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEAD_LETTER_ATTRIBUTES_MAX_BYTES } from '../../src/queues/dead-letter-attributes.js';
import { GLUE_TABLE_EVENT, SKIPPED_DETAIL_TYPE, withReceiveCount } from '../support/fixtures.js';
import { buildHandler, lowestJitter } from '../support/handler.js';
import { captureStdout, type Handler, lambdaContext, readEvent, serviceError } from '../support/lambda.js';

const datazone = mockClient(DataZoneClient);
const sqs = mockClient(SQSClient);

const SOURCE_QUEUE_MAX_BYTES = 262_144;
const DLQ_MAX_BYTES = SOURCE_QUEUE_MAX_BYTES + DEAD_LETTER_ATTRIBUTES_MAX_BYTES;

/** XML 1.0 characters, the only ones SQS accepts in a body or a String attribute. */
const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** SendMessage as SQS judges it: characters, non-empty values and the size of body plus attributes. */
function sqsSendMessage(input: SendMessageCommandInput) {
  const body = input.MessageBody ?? '';
  let bytes = Buffer.byteLength(body);
  if (!XML_CHARS.test(body)) throw serviceError('InvalidMessageContents', 400);
  for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
    const text = value.StringValue ?? '';
    if (text === '' || !XML_CHARS.test(text)) throw serviceError('InvalidParameterValue', 400);
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(text);
  }
  if (bytes > DLQ_MAX_BYTES) throw serviceError('InvalidParameterValue', 400);
  return { MessageId: 'dlq-message' };
}

const dlqSends = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
const visibilityChanges = () =>
  sqs.commandCalls(ChangeMessageVisibilityBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);

function recordWithBody(body: string, messageId = 'bad-body'): SQSRecord {
  return { ...GLUE_TABLE_EVENT, messageId, body };
}

function withDetail(record: SQSRecord, change: (event: Record<string, unknown>) => void): SQSRecord {
  const event = JSON.parse(record.body) as Record<string, unknown>;
  change(event);
  return { ...record, body: JSON.stringify(event) };
}

let stdout: ReturnType<typeof captureStdout>;

beforeEach(() => {
  datazone.reset();
  sqs.reset();
  datazone.on(StartMetadataGenerationRunCommand).resolves({ id: 'run-1', status: 'SUBMITTED' });
  datazone.on(ListMetadataGenerationRunsCommand).resolves({ items: [] });
  sqs.on(SendMessageCommand).callsFake(sqsSendMessage);
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  stdout = captureStdout();
});

afterEach(() => {
  stdout.restore();
});

describe('dead-letter sends never fail because of what the worker adds', () => {
  let handler: Handler;
  beforeEach(() => {
    handler = buildHandler({ random: lowestJitter });
  });

  it('dead-letters a body that starts with an emoji and is not JSON (the parse error quotes half a pair)', async () => {
    const record = recordWithBody('\u{1F600} is not JSON');
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    const [sent] = dlqSends();
    expect(sent?.MessageBody).toBe(record.body);
    expect(sent?.MessageAttributes?.ErrorMessage?.StringValue).toMatch(/^not an EventBridge event: .*\uFFFD/);
  });

  it('dead-letters with the reason when DataZone echoes a NUL or a lone surrogate back', async () => {
    datazone
      .on(StartMetadataGenerationRunCommand)
      .rejects(
        Object.assign(serviceError('ValidationException', 400), { message: 'bad \u0000 value \uD800 here' }),
      );
    expect(await handler({ Records: [GLUE_TABLE_EVENT] }, lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(dlqSends()).toHaveLength(1);
    expect(dlqSends()[0]?.MessageAttributes?.ErrorMessage?.StringValue).toBe('bad \uFFFD value \uFFFD here');
  });

  it('cuts a long message by code point, never in the middle of a surrogate pair', async () => {
    const message = `${'x'.repeat(998)}\u{1F600}${'y'.repeat(50)}`;
    datazone
      .on(StartMetadataGenerationRunCommand)
      .rejects(Object.assign(serviceError('ValidationException', 400), { message }));
    await handler({ Records: [GLUE_TABLE_EVENT] }, lambdaContext());
    const sent = dlqSends()[0]?.MessageAttributes?.ErrorMessage?.StringValue ?? '';
    expect(XML_CHARS.test(sent)).toBe(true);
    expect(sent.endsWith('…')).toBe(true);
  });

  it('fits a body of the source queue’s maximum size in the DLQ with its attributes', async () => {
    const padding = 'é'.repeat(SOURCE_QUEUE_MAX_BYTES / 2 - 20);
    const record = recordWithBody(
      `{"not":"an event","pad":"${padding}"}`.slice(0, SOURCE_QUEUE_MAX_BYTES / 2),
    );
    expect(Buffer.byteLength(record.body)).toBeLessThanOrEqual(SOURCE_QUEUE_MAX_BYTES);
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(dlqSends()).toHaveLength(1);
  });

  it('sends the body again with minimal ASCII attributes when SQS still refuses the send as invalid', async () => {
    sqs
      .on(SendMessageCommand)
      .rejectsOnce(serviceError('InvalidAttributeValue', 400))
      .callsFake(sqsSendMessage);
    const record = recordWithBody('{"détail": not json');
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    const [, retried] = dlqSends();
    expect(retried?.MessageBody).toBe(record.body);
    expect(Object.keys(retried?.MessageAttributes ?? {}).sort()).toEqual([
      'ErrorMessage',
      'ErrorName',
      'FailedAt',
      'SourceMessageId',
    ]);
    expect(retried?.MessageAttributes?.ErrorMessage?.StringValue).toMatch(/^[\x20-\x7E]+$/);
  });
});

describe('time limits that are real', () => {
  it('backs off a record cut off by the deadline again, instead of handing it back at once every time', async () => {
    const handler = buildHandler({
      env: { DEADLINE_SAFETY_MARGIN_MS: '1000', DATAZONE_REQUESTS_PER_SECOND: '100' },
      random: lowestJitter,
    });
    datazone.on(StartMetadataGenerationRunCommand).callsFake(() => new Promise(() => undefined));
    const first = withReceiveCount(GLUE_TABLE_EVENT, 1, 'first');
    const again = withReceiveCount(GLUE_TABLE_EVENT, 3, 'again');
    await handler({ Records: [first, again] }, lambdaContext(1300));
    // Receive 1: at once. Receive 3: the retry schedule one step behind (receive 2: 20 s, half with random 0).
    expect(visibilityChanges().map((entry) => entry.VisibilityTimeout)).toEqual([0, 10]);
  });
});

describe('only the call that can conflict may conflict', () => {
  const withoutRevision = withDetail(GLUE_TABLE_EVENT, (event) => {
    const detail = event.detail as { metadata: Record<string, unknown> };
    delete detail.metadata.version;
  });

  it('retries a 409 from GetAsset instead of taking it as an existing run', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone.on(GetAssetCommand).rejects(serviceError('ConflictException', 409));
    const result = await handler({ Records: [withoutRevision] }, lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: withoutRevision.messageId }] });
    expect(stdout.metrics()).toMatchObject({ TransientFailures: 1 });
    expect(stdout.metrics().RunsAlreadyExisting).toBeUndefined();
  });

  it('retries a 409 from the ListMetadataGenerationRuns check', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ConflictException', 409));
    datazone.on(ListMetadataGenerationRunsCommand).rejects(serviceError('ConflictException', 409));
    const result = await handler({ Records: [GLUE_TABLE_EVENT] }, lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: GLUE_TABLE_EVENT.messageId }] });
    expect(stdout.metrics().RunsAlreadyExisting).toBeUndefined();
  });
});

describe('one record’s bad shape is that record’s outcome', () => {
  it('skips an event whose domain is an object when DOMAIN_IDS is set', async () => {
    const handler = buildHandler({ env: { DOMAIN_IDS: 'dzd_bc8e1ez8r2a6xz' }, random: lowestJitter });
    const record = withDetail(GLUE_TABLE_EVENT, (event) => {
      (event.detail as { metadata: Record<string, unknown> }).metadata.domain = { toString: 'x' };
    });
    expect(await handler({ Records: [record] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(stdout.metrics()).toMatchObject({ EventsSkipped: 1 });
    expect(datazone.calls()).toHaveLength(0);
  });

  it('processes a record without attributes on its own while its neighbours complete', async () => {
    const handler = buildHandler({ random: lowestJitter });
    const { attributes: _attributes, ...bare } = { ...GLUE_TABLE_EVENT, messageId: 'no-attributes' };
    const result = await handler({ Records: [bare, SKIPPED_DETAIL_TYPE] }, lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(stdout.metrics()).toMatchObject({ RunsStarted: 1, EventsSkipped: 1 });
  });

  it('dead-letters a record without a body as the record itself, and completes its neighbours', async () => {
    const handler = buildHandler({ random: lowestJitter });
    const { body: _body, ...bodiless } = { ...GLUE_TABLE_EVENT, messageId: 'no-body' };
    const result = await handler({ Records: [bodiless, SKIPPED_DETAIL_TYPE] }, lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    const [sent] = dlqSends();
    expect(JSON.parse(sent?.MessageBody ?? '{}')).toMatchObject({ messageId: 'no-body' });
    expect(sent?.MessageBody).not.toContain(GLUE_TABLE_EVENT.receiptHandle);
    expect(sent?.MessageAttributes?.ErrorMessage?.StringValue).toContain('no string body');
  });

  it('dead-letters a direct event holding U+FFFF, escaped so that SQS takes it and it parses the same', async () => {
    const handler = buildHandler({ random: lowestJitter });
    const event = {
      source: 'aws.datazone',
      'detail-type': 'Asset Added To Inventory',
      detail: 'not\uFFFFan object',
    };
    await expect(handler(event, lambdaContext())).resolves.toMatchObject({ outcome: 'dead-letter' });
    const [sent] = dlqSends();
    expect(sent?.MessageBody).toContain('\\uFFFF');
    expect(JSON.parse(sent?.MessageBody ?? 'null')).toEqual(event);
  });

  it('leaves a retried record without a messageId out of the failures, instead of failing the batch', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('InternalServerException', 500));
    const { messageId: _id, ...anonymous } = GLUE_TABLE_EVENT;
    const result = await handler(
      { Records: [anonymous, { ...GLUE_TABLE_EVENT, messageId: 'named' }] },
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'named' }] });
    expect(stdout.metrics()).toMatchObject({ UnreadableRecords: 1 });
  });

  it('does not throw after a run started on the direct path, however deep the event', async () => {
    const handler = buildHandler({ random: lowestJitter });
    const event = readEvent<{ detail: { data: Record<string, unknown> } }>(
      'eventbridge/asset-added-to-inventory.json',
    );
    // Deeper than JSON.stringify can go on any thread's stack: a started run's event is never serialised.
    let nested: unknown = 'leaf';
    for (let level = 0; level < 200_000; level++) nested = { nested };
    event.detail.data.extra = nested;
    expect(await handler(event, lambdaContext())).toMatchObject({ outcome: 'started', runId: 'run-1' });
  });
});

describe('logs that stay small and clean', () => {
  it('caps user-controlled strings in log lines', async () => {
    const handler = buildHandler({ random: lowestJitter });
    const record = withDetail(GLUE_TABLE_EVENT, (event) => {
      event['detail-type'] = 'x'.repeat(200_000);
    });
    await handler({ Records: [record] }, lambdaContext());
    const line = stdout.logs().find((entry) => entry.outcome === 'skipped');
    expect(line).toBeDefined();
    expect(JSON.stringify(line).length).toBeLessThan(4000);
  });

  it('never logs receipt handles or whole events, even at DEBUG', async () => {
    const handler = buildHandler({ logLevel: 'DEBUG', random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('InternalServerException', 500));
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({
      Failed: [
        {
          Id: '0',
          Code: 'ReceiptHandleIsInvalid',
          SenderFault: true,
          Message: `The input receipt handle "${GLUE_TABLE_EVENT.receiptHandle}" is not a valid receipt handle.`,
        },
      ],
    });
    await handler({ Records: [GLUE_TABLE_EVENT] }, lambdaContext());
    const written = stdout.logs().map((line) => JSON.stringify(line));
    expect(written.some((line) => line.includes('visibility change failed'))).toBe(true);
    expect(written.filter((line) => line.includes(GLUE_TABLE_EVENT.receiptHandle))).toEqual([]);
    expect(written.filter((line) => line.includes('"Records"'))).toEqual([]);
  });

  it('counts a replayed token’s run as already existing, not as started again', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone.on(StartMetadataGenerationRunCommand).resolves({
      id: 'run-1',
      status: 'IN_PROGRESS',
      createdAt: new Date(Date.now() - 60_000),
    });
    const redelivered = withReceiveCount(GLUE_TABLE_EVENT, 4);
    expect(await handler({ Records: [redelivered] }, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(stdout.metrics()).toMatchObject({ RunsAlreadyExisting: 1 });
    expect(stdout.metrics().RunsStarted).toBeUndefined();
    expect(stdout.logs().find((line) => line.outcome === 'already-exists')).toMatchObject({
      runId: 'run-1',
      errorName: 'ClientTokenReplay',
    });
  });
});

describe('no paid waiting', () => {
  it('hands back the records whose slot is further than MAX_SLOT_WAIT_MS, visible again when it comes', async () => {
    const handler = buildHandler({
      random: lowestJitter,
      env: { DATAZONE_REQUESTS_PER_SECOND: '2', DATAZONE_BURST: '1', MAX_SLOT_WAIT_MS: '1000' },
    });
    const records = [1, 2, 3, 4, 5].map((revision) => ({
      ...withDetail(GLUE_TABLE_EVENT, (event) => {
        (event.detail as { metadata: Record<string, unknown> }).metadata.version = String(revision);
      }),
      messageId: `m-${revision}`,
    }));
    const started = Date.now();
    const result = await handler({ Records: records }, lambdaContext());
    // Slots at 0, 0.5 and 1 s are waited for; those at 1.5 and 2 s are not.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-4' }, { itemIdentifier: 'm-5' }] });
    expect(visibilityChanges().map((entry) => entry.VisibilityTimeout)).toEqual([2, 2]);
    expect(stdout.metrics()).toMatchObject({ RunsStarted: 3, RecordsDeferred: 2 });
  });
});
