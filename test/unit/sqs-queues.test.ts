import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { VisibilityChange } from '../../src/core/ports.js';
import { createSqsClient, queueUrlFromArn, SqsQueues } from '../../src/queues/sqs.js';

const sqs = mockClient(SQSClient);
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/111111111111/dlq';

beforeEach(() => sqs.reset());

describe('queueUrlFromArn', () => {
  it('derives the regional queue URL from an SQS ARN', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-1:111111111111:source')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/111111111111/source',
    );
    expect(queueUrlFromArn('arn:aws-cn:sqs:cn-north-1:111111111111:source')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/111111111111/source',
    );
  });

  it('names the field and the expected shape for anything else', () => {
    expect(() => queueUrlFromArn('arn:aws:sns:eu-west-1:111111111111:topic')).toThrow(
      'eventSourceARN: expected an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME), got "arn:aws:sns:eu-west-1:111111111111:topic"',
    );
    expect(() => queueUrlFromArn('')).toThrow(/eventSourceARN/);
  });
});

describe('SqsQueues', () => {
  const queues = new SqsQueues(new SQSClient({ region: 'eu-west-1' }), DLQ);

  const failedAt = new Date('2026-11-30T10:00:00.000Z');
  const reason = { errorName: 'X', errorMessage: 'why', sourceMessageId: 'm-1', failedAt };

  it('sends the body unchanged with the reason as String attributes', async () => {
    sqs.on(SendMessageCommand).resolves({});
    await queues.deadLetter({ body: ' {raw} ', reason });
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: DLQ,
      MessageBody: ' {raw} ',
      MessageAttributes: {
        ErrorName: { DataType: 'String', StringValue: 'X' },
        ErrorMessage: { DataType: 'String', StringValue: 'why' },
        SourceMessageId: { DataType: 'String', StringValue: 'm-1' },
        FailedAt: { DataType: 'String', StringValue: failedAt.toISOString() },
      },
    });
  });

  it('propagates a failed send', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('denied'));
    await expect(queues.deadLetter({ body: 'b', reason })).rejects.toThrow('denied');
  });

  it.each(['InvalidParameterValue', 'InvalidAttributeValue', 'InvalidMessageContents'])(
    'sends again with the minimal attributes when SQS refuses the message as %s',
    async (name) => {
      sqs
        .on(SendMessageCommand)
        .rejectsOnce(Object.assign(new Error('refused'), { name, $metadata: { httpStatusCode: 400 } }))
        .resolves({});
      await queues.deadLetter({ body: 'b', reason: { ...reason, errorMessage: 'é', detailType: 'D' } });
      const sent = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageAttributes);
      expect(sent).toHaveLength(2);
      expect(Object.keys(sent[1] ?? {}).sort()).toEqual([
        'ErrorMessage',
        'ErrorName',
        'FailedAt',
        'SourceMessageId',
      ]);
      expect(sent[1]?.ErrorMessage?.StringValue).toBe('?');
    },
  );

  it('recognises the query-protocol code SQS adds to some errors', async () => {
    sqs
      .on(SendMessageCommand)
      .rejectsOnce(
        Object.assign(new Error('refused'), {
          name: 'SQSServiceException',
          Code: 'AWS.SimpleQueueService.InvalidParameterValue',
        }),
      )
      .resolves({});
    await queues.deadLetter({ body: 'b', reason });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
  });

  it('does not repeat a send that failed for another reason', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('no'), { name: 'KmsAccessDenied' }));
    await expect(queues.deadLetter({ body: 'b', reason })).rejects.toThrow('no');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('keeps receipt handles out of the failure messages it returns', async () => {
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({
      Failed: [
        { Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'handle rh-secret is bad' },
      ],
    });
    const failures = await queues.changeVisibility([
      { queueUrl: DLQ, receiptHandle: 'rh-secret', timeoutSeconds: 1, key: 'k' },
    ]);
    expect(failures).toEqual([
      { key: 'k', errorName: 'ReceiptHandleIsInvalid', errorMessage: 'handle <receipt handle> is bad' },
    ]);
  });

  it('changes visibility in batches of at most 10 per queue and maps failures back to their keys', async () => {
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .callsFake((input: { QueueUrl: string; Entries: { Id: string }[] }) => ({
        Successful: [],
        Failed: input.QueueUrl.endsWith('/b')
          ? [{ Id: '0', Code: 'ReceiptHandleIsInvalid', Message: 'stale', SenderFault: true }]
          : [],
      }));
    const change = (queue: string, index: number): VisibilityChange => ({
      queueUrl: `https://sqs.eu-west-1.amazonaws.com/1/${queue}`,
      receiptHandle: `rh-${queue}-${index}`,
      timeoutSeconds: index,
      key: `${queue}-${index}`,
    });
    const changes = [
      ...Array.from({ length: 12 }, (_, index) => change('a', index)),
      change('b', 0),
      change('b', 1),
    ];
    const failures = await queues.changeVisibility(changes);

    const calls = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.QueueUrl?.split('/').pop(), input.Entries?.length])).toEqual([
      ['a', 10],
      ['a', 2],
      ['b', 2],
    ]);
    expect(calls[1]?.Entries).toEqual([
      { Id: '0', ReceiptHandle: 'rh-a-10', VisibilityTimeout: 10 },
      { Id: '1', ReceiptHandle: 'rh-a-11', VisibilityTimeout: 11 },
    ]);
    expect(failures).toEqual([{ key: 'b-0', errorName: 'ReceiptHandleIsInvalid', errorMessage: 'stale' }]);
  });

  it('reports every entry of a chunk whose call failed', async () => {
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .rejects(Object.assign(new Error('nope'), { name: 'AccessDenied' }));
    const failures = await queues.changeVisibility([
      { queueUrl: DLQ, receiptHandle: 'r1', timeoutSeconds: 1, key: 'k1' },
      { queueUrl: DLQ, receiptHandle: 'r2', timeoutSeconds: 1, key: 'k2' },
    ]);
    expect(failures).toEqual([
      { key: 'k1', errorName: 'AccessDenied', errorMessage: 'nope' },
      { key: 'k2', errorName: 'AccessDenied', errorMessage: 'nope' },
    ]);
  });
});

describe('createSqsClient', () => {
  it('does not send to the host of the queue URL, so a configured endpoint is honoured', async () => {
    const client = createSqsClient(1000);
    expect(await client.config.useQueueUrlAsEndpoint).toBe(false);
  });
});
