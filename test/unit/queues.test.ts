import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSqsClient, queueUrlFromArn, SqsQueues, type VisibilityChange } from '../../src/queues/sqs.js';

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

  it('sends the body unchanged with String attributes', async () => {
    sqs.on(SendMessageCommand).resolves({});
    await queues.sendToDeadLetterQueue({ body: ' {raw} ', attributes: { ErrorName: 'X' } });
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: DLQ,
      MessageBody: ' {raw} ',
      MessageAttributes: { ErrorName: { DataType: 'String', StringValue: 'X' } },
    });
  });

  it('propagates a failed send', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('denied'));
    await expect(queues.sendToDeadLetterQueue({ body: 'b', attributes: {} })).rejects.toThrow('denied');
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
