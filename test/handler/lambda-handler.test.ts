/**
 * What the handler does with any payload Lambda may hand it: an SQS batch is recognised by any of its records,
 * everything else is one direct event; each invocation has its own deadline, ended when it returns.
 */
import { DataZoneClient, StartMetadataGenerationRunCommand } from '@aws-sdk/client-datazone';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GLUE_TABLE_EVENT, SKIPPED_DETAIL_TYPE } from '../support/fixtures.js';
import { buildHandler, lowestJitter } from '../support/handler.js';
import { captureStdout, type Handler, lambdaContext, readEvent } from '../support/lambda.js';

const datazone = mockClient(DataZoneClient);
const sqs = mockClient(SQSClient);

const dlqSends = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);

/** An S3 event notification: it has Records too, but none from SQS. */
const S3_NOTIFICATION = {
  Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put' }],
};

let handler: Handler;
let stdout: ReturnType<typeof captureStdout>;

beforeEach(() => {
  datazone.reset();
  sqs.reset();
  datazone.on(StartMetadataGenerationRunCommand).resolves({ id: 'run-1', status: 'SUBMITTED' });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-message' });
  stdout = captureStdout();
  handler = buildHandler({ random: lowestJitter });
});

afterEach(() => {
  stdout.restore();
  vi.useRealTimers();
});

describe('an SQS batch', () => {
  it('is recognised by a later record when the first entry is no record at all', async () => {
    expect(await handler({ Records: [null, GLUE_TABLE_EVENT] }, lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(stdout.metrics()).toMatchObject({ RunsStarted: 1, UnreadableRecords: 1 });
    expect(dlqSends()).toEqual([]);
  });

  it('is recognised by one SQS record among records that lost their eventSource', async () => {
    const { eventSource: _source, ...sourceless } = { ...SKIPPED_DETAIL_TYPE };
    expect(await handler({ Records: [sourceless, GLUE_TABLE_EVENT] }, lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(stdout.metrics()).toMatchObject({ RunsStarted: 1, EventsSkipped: 1 });
  });
});

describe('anything else is one direct event', () => {
  it.each([
    ['a null payload', null, 'null'],
    ['Records that are not an array', { Records: { 0: GLUE_TABLE_EVENT } }, undefined],
    ['records of another service', S3_NOTIFICATION, undefined],
  ])('dead-letters %s as it arrived', async (_label, payload, body) => {
    expect(await handler(payload, lambdaContext())).toEqual({ outcome: 'dead-letter' });
    expect(dlqSends().map((sent) => sent.MessageBody)).toEqual([body ?? JSON.stringify(payload)]);
    expect(datazone.calls()).toHaveLength(0);
  });
});

describe('the invocation’s deadline', () => {
  it('is ended when the invocation returns: none of its timers is left pending', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await handler(readEvent('eventbridge/unsupported-detail-type.json'), lambdaContext());
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is ended when the invocation throws as well', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('gone'), { name: 'QueueDoesNotExist' }));
    await expect(handler({ hello: 'world' }, lambdaContext())).rejects.toThrow(/^dead-letter-unavailable/);
    expect(vi.getTimerCount()).toBe(0);
  });
});
