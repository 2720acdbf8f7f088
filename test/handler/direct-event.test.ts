import { DataZoneClient, GetAssetCommand, StartMetadataGenerationRunCommand } from '@aws-sdk/client-datazone';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientToken } from '../../src/core/client-token.js';
import { buildHandler, lowestJitter } from '../support/handler.js';
import {
  captureStdout,
  DLQ_URL,
  type Handler,
  lambdaContext,
  readEvent,
  serviceError,
} from '../support/lambda.js';

const datazone = mockClient(DataZoneClient);
const sqs = mockClient(SQSClient);

const dlqSends = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
let handler: Handler;
let stdout: ReturnType<typeof captureStdout>;

beforeEach(() => {
  datazone.reset();
  sqs.reset();
  datazone
    .on(StartMetadataGenerationRunCommand)
    .resolves({ id: 'run-1', domainId: 'dzd_bc8e1ez8r2a6xz', status: 'SUBMITTED' });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  stdout = captureStdout();
  handler = buildHandler({
    env: { GENERATION_TYPES: 'BUSINESS_GLOSSARY_ASSOCIATIONS' },
    random: lowestJitter,
  });
});

afterEach(() => stdout.restore());

describe('direct EventBridge invocation', () => {
  const event = readEvent('eventbridge/asset-added-to-inventory.json');
  const token = clientToken({
    domainId: 'dzd_bc8e1ez8r2a6xz',
    assetId: 'ayzstznnx4dxyf',
    revision: '3',
    generationTypes: ['BUSINESS_GLOSSARY_ASSOCIATIONS'],
  });

  it('starts the run with the configured types and the deterministic token', async () => {
    expect(await handler(event, lambdaContext())).toEqual({
      outcome: 'started',
      runId: 'run-1',
      clientToken: token,
    });
    expect(
      datazone.commandCalls(StartMetadataGenerationRunCommand).map((call) => call.args[0].input),
    ).toEqual([
      {
        domainIdentifier: 'dzd_bc8e1ez8r2a6xz',
        owningProjectIdentifier: '6oy92hwk937pgn',
        target: { type: 'ASSET', identifier: 'ayzstznnx4dxyf', revision: '3' },
        types: ['BUSINESS_GLOSSARY_ASSOCIATIONS'],
        clientToken: token,
      },
    ]);
    expect(stdout.metrics()).toMatchObject({ RunsStarted: 1 });
  });

  it('sends the same token for a redelivered event', async () => {
    await handler(event, lambdaContext());
    await handler(structuredClone(event), lambdaContext());
    const tokens = datazone
      .commandCalls(StartMetadataGenerationRunCommand)
      .map((call) => call.args[0].input.clientToken);
    expect(tokens).toEqual([token, token]);
  });

  it('throws on a transient failure so that Lambda retries the event', async () => {
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ThrottlingException', 429));
    const invocation = handler(event, lambdaContext());
    await expect(invocation).rejects.toThrow(
      /^throttled: ThrottlingException: ThrottlingException from the test$/,
    );
    await expect(invocation).rejects.toMatchObject({ name: 'RetryLaterError' });
    expect(dlqSends()).toEqual([]);
    expect(stdout.metrics()).toMatchObject({ Throttled: 1 });
  });

  it('dead-letters a permanent failure and returns', async () => {
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ResourceNotFoundException', 404));
    expect(await handler(event, lambdaContext())).toStrictEqual({
      outcome: 'dead-letter',
      clientToken: token,
    });
    expect(dlqSends()).toEqual([
      {
        QueueUrl: DLQ_URL,
        MessageBody: JSON.stringify(event),
        MessageAttributes: {
          ErrorName: { DataType: 'String', StringValue: 'ResourceNotFoundException' },
          ErrorMessage: { DataType: 'String', StringValue: 'ResourceNotFoundException from the test' },
          SourceMessageId: { DataType: 'String', StringValue: '6f1c2a7e-3b0d-4f3e-9c61-0a8a3d5b2e11' },
          DetailType: { DataType: 'String', StringValue: 'Asset Added To Inventory' },
          ClientToken: { DataType: 'String', StringValue: token },
          FailedAt: { DataType: 'String', StringValue: expect.any(String) },
        },
      },
    ]);
  });

  it('throws when a permanent failure cannot be dead-lettered, so the event is not lost', async () => {
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ValidationException', 400));
    sqs.on(SendMessageCommand).rejects(serviceError('QueueDoesNotExist', 400));
    await expect(handler(event, lambdaContext())).rejects.toThrow(
      /^dead-letter-unavailable: QueueDoesNotExist/,
    );
  });

  it('skips an unsupported detail-type and an event from another source without any call', async () => {
    expect(await handler(readEvent('eventbridge/unsupported-detail-type.json'), lambdaContext())).toEqual({
      outcome: 'skipped',
    });
    expect(await handler(readEvent('eventbridge/other-source.json'), lambdaContext())).toEqual({
      outcome: 'skipped',
    });
    expect(datazone.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
    expect(
      stdout
        .logs()
        .filter((line) => line.outcome === 'skipped')
        .map((line) => line.reason),
    ).toEqual([
      'detail-type "Metadata Generation Accepted" is not handled',
      'source "aws.glue" is not aws.datazone',
    ]);
  });

  it('resolves a missing revision and project with one GetAsset call', async () => {
    datazone.on(GetAssetCommand).resolves({
      id: 'm6v0r4e8y2j5qd',
      revision: '7',
      owningProjectId: '2hf5n8w1ld6x3c',
      typeIdentifier: 'amazon.datazone.GlueTableAssetType',
    });
    await handler(readEvent('eventbridge/asset-without-revision.json'), lambdaContext());
    expect(datazone.commandCalls(GetAssetCommand).map((call) => call.args[0].input)).toEqual([
      { domainIdentifier: 'dzd_7ttq4pj2fcnl0m', identifier: 'm6v0r4e8y2j5qd' },
    ]);
    expect(datazone.commandCalls(StartMetadataGenerationRunCommand)[0]?.args[0].input).toMatchObject({
      owningProjectIdentifier: '2hf5n8w1ld6x3c',
      target: { type: 'ASSET', identifier: 'm6v0r4e8y2j5qd', revision: '7' },
    });
  });

  it('skips an asset whose type GetAsset reports as unsupported', async () => {
    datazone.on(GetAssetCommand).resolves({
      id: 'g2k6p0m4r8t3yc',
      revision: '1',
      owningProjectId: 'b3x7mz1q9w2k4e',
      typeIdentifier: 'amazon.datazone.S3ObjectCollectionAssetType',
    });
    // Strictly: the skip's target has no client token, and the result no key for it.
    expect(
      await handler(readEvent('eventbridge/unsupported-asset-type.json'), lambdaContext()),
    ).toStrictEqual({
      outcome: 'skipped',
    });
    expect(datazone.commandCalls(GetAssetCommand).map((call) => call.args[0].input)).toEqual([
      { domainIdentifier: 'dzd_bc8e1ez8r2a6xz', identifier: 'g2k6p0m4r8t3yc', revision: '1' },
    ]);
    expect(datazone.commandCalls(StartMetadataGenerationRunCommand)).toHaveLength(0);
  });

  it('dead-letters a payload that is not an EventBridge event at all', async () => {
    const payload = { hello: 'world' };
    expect(await handler(payload, lambdaContext())).toStrictEqual({ outcome: 'dead-letter' });
    expect(dlqSends()[0]).toMatchObject({
      MessageBody: '{"hello":"world"}',
      MessageAttributes: {
        ErrorName: { StringValue: 'InvalidEventError' },
        ErrorMessage: { StringValue: expect.stringContaining('source: expected a string') },
        SourceMessageId: { StringValue: 'unknown' },
      },
    });
  });

  it('skips events of domains outside DOMAIN_IDS, even when their detail is invalid', async () => {
    handler = buildHandler({ env: { DOMAIN_IDS: 'dzd_7ttq4pj2fcnl0m' }, random: lowestJitter });
    expect(await handler(event, lambdaContext())).toEqual({ outcome: 'skipped' });
    expect(await handler(readEvent('eventbridge/invalid-asset-event.json'), lambdaContext())).toEqual({
      outcome: 'skipped',
    });
    expect(datazone.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('dead-letters an invocation without any payload (middy hands it over as {})', async () => {
    expect(await handler(undefined, lambdaContext())).toEqual({ outcome: 'dead-letter' });
    expect(dlqSends()[0]?.MessageBody).toBe('{}');
  });
});

describe('what a direct event’s outcome carries', () => {
  const event = readEvent<Record<string, unknown>>('eventbridge/asset-added-to-inventory.json');
  const FAILED_AT = Date.parse('2026-11-30T10:00:00.000Z');

  it('dead-letters with FailedAt read from the clock', async () => {
    handler = buildHandler({ random: lowestJitter, clock: () => FAILED_AT });
    datazone.on(StartMetadataGenerationRunCommand).rejects(serviceError('ResourceNotFoundException', 404));
    await handler(event, lambdaContext());
    expect(dlqSends()[0]?.MessageAttributes?.FailedAt?.StringValue).toBe('2026-11-30T10:00:00.000Z');
  });

  it('logs the outcome with the event’s id and detail-type', async () => {
    await handler(event, lambdaContext());
    expect(stdout.logs().find((line) => line.outcome === 'started')).toMatchObject({
      eventId: '6f1c2a7e-3b0d-4f3e-9c61-0a8a3d5b2e11',
      detailType: 'Asset Added To Inventory',
      runId: 'run-1',
    });
  });

  it('reports a replayed token’s run as already existing, with its token but not as a run it started', async () => {
    datazone.on(StartMetadataGenerationRunCommand).resolves({
      id: 'run-1',
      status: 'IN_PROGRESS',
      createdAt: new Date(Date.now() - 60_000),
    });
    handler = buildHandler({ random: lowestJitter });
    const result = await handler(event, lambdaContext());
    expect(result).toStrictEqual({ outcome: 'already-exists', clientToken: expect.any(String) });
    expect(stdout.metrics()).toMatchObject({ RunsAlreadyExisting: 1 });
  });

  it('logs a payload that is no event without an id or a detail-type', async () => {
    await handler({ hello: 'world' }, lambdaContext());
    const line = stdout.logs().find((entry) => entry.outcome === 'dead-letter');
    expect(line).toBeDefined();
    expect(line?.eventId).toBeUndefined();
    expect(line?.detailType).toBeUndefined();
  });

  it('throws, without a DLQ send, an invalid event nested too deeply to be serialised', async () => {
    let nested: unknown = 'leaf';
    for (let level = 0; level < 200_000; level++) nested = { nested };
    const deep = { ...event, source: 42, detail: nested };
    await expect(handler(deep, lambdaContext())).rejects.toThrow(
      /^dead-letter-unavailable: InvalidEventError: the event cannot be serialised for the DLQ \(Maximum call stack size exceeded\); not an EventBridge event: source/,
    );
    expect(dlqSends()).toEqual([]);
  });
});
